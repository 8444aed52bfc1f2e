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
from innovate_sim.cli.simulate import OutDir, Replications, Seed, Workers, _progress
from innovate_sim.errors import InnovateSimError

__all__ = ["check", "report"]


@app.command()
def check(
    file: FileArg,
    replications: Replications = None,
    seed: Seed = None,
    workers: Workers = 1,
    out: OutDir = None,
) -> None:
    """Simulate a scenario and check its targets. Exit 0 pass, 1 fail, 3 uncertain, 2 bad input."""
    from innovate_sim.experiments import simulate
    from innovate_sim.scenario import load_scenario
    from innovate_sim.targets import validate_targets

    if replications is not None and replications < 1:
        raise InnovateSimError("--replications must be at least 1")
    if workers < 1:
        raise InnovateSimError("--workers must be at least 1")
    scenario = load_scenario(file)
    validate_targets(scenario)  # before spending time on the simulation
    count = replications or scenario.replications
    with _progress() as bar:
        task = bar.add_task("simulating", total=count)
        result = simulate(
            scenario,
            count,
            seed,
            workers=workers,
            progress=lambda done, total: bar.update(task, completed=done),
        )
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
        from innovate_sim.experiments.io import save_result
        from innovate_sim.reporting.report import write_report

        written = save_result(result, out)
        written += write_report(result, out)
        console.print(f"wrote {len(written)} files to {out}")
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
