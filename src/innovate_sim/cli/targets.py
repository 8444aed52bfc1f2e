"""Commands about design targets and reports: check and report.

``check`` is meant as a CI gate for architecture changes. Its exit status:
0 every target passes; 1 a target fails; 3 none fails but some are uncertain
(the confidence interval straddles the target: run more replications);
2 bad input (an invalid scenario, a malformed target, no targets at all).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from innovate_sim.cli.app import FileArg, app, console
from innovate_sim.cli.simulate import (
    DaskAddress,
    OutDir,
    Replications,
    Seed,
    Workers,
    save_outputs,
    simulate_scenario,
)
from innovate_sim.errors import InnovateSimError

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
) -> None:
    """Simulate a scenario and check its targets. Exit 0 pass, 1 fail, 3 uncertain, 2 bad input."""
    from innovate_sim.scenario import load_scenario
    from innovate_sim.targets import validate_targets

    scenario = load_scenario(file)
    validate_targets(scenario)  # before spending time on the simulation
    if uncertainty is not None:
        from innovate_sim.cli.sensitivity import check_uncertain

        code = check_uncertain(scenario, uncertainty, confidence, replications, seed, workers, out)
        raise typer.Exit(code)
    result = simulate_scenario(scenario, replications, seed, workers, dask)
    prov = result.provenance()
    console.print(
        f"scenario {prov['scenario']} (hash {prov['scenario_hash']}), seed {prov['seed']}, "
        f"{prov['replications']} replications of {prov['horizon_h'] / 8760:g} y, "
        f"{prov['wall_time_s']:.1f} s"
    )
    if result.failed:
        console.print(f"[red]{len(result.failed)} replications failed[/]")
    report = result.check()
    report.render(console)
    if out is not None:
        save_outputs(result, out)
    raise typer.Exit(report.exit_code)


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
