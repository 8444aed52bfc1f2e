"""Commands about design targets and reports: check and report.

``check`` is meant as a CI gate for architecture changes. Its exit status:
0 every target passes; 1 a target fails; 3 none fails but some are uncertain
(the confidence interval straddles the target: run more replications);
2 bad input (an invalid scenario, a malformed target, no targets at all);
4 a replication raised (the first error is printed; verdicts use the others).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from innovate_sim.cli.app import FileArg, app, console, disclose
from innovate_sim.cli.formats import FormatOption, chosen_format, emit
from innovate_sim.cli.importing import UsageOpt, load_input
from innovate_sim.cli.simulate import (
    DaskAddress,
    OutDir,
    Replications,
    Seed,
    Workers,
    print_excluded_risks,
    report_failures,
    save_outputs,
    simulate_scenario,
)
from innovate_sim.errors import InnovateSimError
from innovate_sim.formatting import count_noun

__all__ = ["check", "report"]


@app.command()
def check(
    file: FileArg,
    replications: Replications = None,
    seed: Seed = None,
    workers: Workers = 1,
    out: OutDir = None,
    dask: DaskAddress = None,
    uncertainty: Annotated[
        int | None,
        typer.Option(
            "--uncertainty",
            help="Sample K sets of the uncertain inputs (Latin hypercube) and gate on each "
            "target's probability of being met; -n is then replications per set.",
        ),
    ] = None,
    confidence: Annotated[
        float,
        typer.Option("--confidence", help="With --uncertainty: probability each target needs."),
    ] = 0.9,
    usage: UsageOpt = None,
    format: FormatOption = "table",
) -> None:
    """Simulate a scenario and check its targets.

    Exit 0 pass, 1 fail, 3 uncertain, 2 bad input, 4 a replication failed.
    """
    from innovate_sim.cli.documents import check_document
    from innovate_sim.experiments.judging import validate_targets
    from innovate_sim.reporting.verdicts import render

    chosen = chosen_format(format)
    scenario = load_input(file, usage)
    validate_targets(scenario)  # before spending time on the simulation
    if uncertainty is not None:
        from innovate_sim.cli.sensitivity import check_uncertain

        if chosen != "table":
            raise InnovateSimError(
                f"--format {chosen} is not available with --uncertainty; "
                "drop one of them (--uncertainty prints a table)"
            )
        code = check_uncertain(scenario, uncertainty, confidence, replications, seed, workers, out)
        disclose(scenario)
        raise typer.Exit(code)
    result = simulate_scenario(scenario, replications, seed, workers, dask)
    if chosen != "table":
        report = result.check()
        emit(check_document(result, report), chosen)
        if out is not None:
            save_outputs(result, out, quiet=True)
        raise typer.Exit(report_failures(result) or report.exit_code)
    prov = result.provenance()
    console.print(
        f"scenario {prov['scenario']} (hash {prov['scenario_hash']}), seed {prov['seed']}, "
        f"{count_noun(prov['replications'], 'replication')} of {prov['horizon_h'] / 8760:g} y, "
        f"{prov['wall_time_s']:.1f} s"
    )
    report = result.check()
    render(report, console)
    disclose(scenario)
    print_excluded_risks(result)
    if out is not None:
        save_outputs(result, out)
    raise typer.Exit(report_failures(result) or report.exit_code)


@app.command()
def report(
    directory: Annotated[Path, typer.Argument(help="A results folder written by run/check --out.")],
) -> None:
    """Rebuild report.md and report.html of a results folder from its saved tables."""
    from innovate_sim.reporting.report import rebuild_report

    if not directory.is_dir():
        raise InnovateSimError(f"{directory} is not a folder of saved results")
    written = rebuild_report(directory)
    console.print(f"wrote {len(written)} files to {directory}")
