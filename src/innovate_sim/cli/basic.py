"""Commands that need no simulation: validate, schema, prices, cost."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from innovate_sim.cli.app import app, console, disclose, errors
from innovate_sim.cli.formats import FormatOption, chosen_format
from innovate_sim.cli.importing import CatalogOpt, UsageOpt, load_input, register_prices_import
from innovate_sim.errors import InnovateSimError


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Scenario files to check.")],
) -> None:
    """Check scenario files and price every month of their horizon. Exit 2 if any is invalid."""
    from innovate_sim.cost.pricecheck import load_priced_scenario

    failed = 0
    for path in files:
        try:
            scenario = load_priced_scenario(path)
        except InnovateSimError as exc:
            failed += 1
            errors.print(f"[bold red]invalid[/] {escape(str(exc))}", markup=True)
        else:
            envs = ", ".join(scenario.environments) or "no environments"
            console.print(f"ok {path}: {scenario.name} ({envs}; hash {scenario.content_hash()})")
    if failed:
        raise typer.Exit(2)


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editor completion and validation)."""
    from innovate_sim.cli.schema import editor_schema

    sys.stdout.write(json.dumps(editor_schema(), indent=2) + "\n")


prices_app = typer.Typer(
    help="Show the shipped price catalog (or an imported one); `prices import` builds one.",
    invoke_without_command=True,
)
app.add_typer(prices_app, name="prices")
register_prices_import(prices_app)


@prices_app.callback()
def prices(
    ctx: typer.Context,
    region: Annotated[str, typer.Option(help="AWS region of the catalog.")] = "us-east-1",
    catalog: CatalogOpt = None,
) -> None:
    """Show the shipped price catalog with its date and sources."""
    if ctx.invoked_subcommand is not None:
        return
    from innovate_sim.pricing import load_catalog
    from innovate_sim.pricing.render import render_catalog

    render_catalog(load_catalog(region, directory=catalog), console=console)


@app.command()
def cost(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="A scenario YAML file or Terraform plan JSON; with two, the second's bill "
            "against the first's.",
            show_default=False,
        ),
    ],
    format: FormatOption = "table",
    month: Annotated[int, typer.Option(help="Forecast month (1 = the first 730 hours).")] = 1,
    usage: UsageOpt = None,
    catalog: CatalogOpt = None,
) -> None:
    """Print the static monthly bill by account and service, or the diff of two (no simulation)."""
    from innovate_sim.cost import estimate_cost
    from innovate_sim.cost.diff import diff_estimates
    from innovate_sim.cost.render import render_diff, render_estimate

    chosen = chosen_format(format)
    if month < 1:
        raise InnovateSimError("--month starts at 1")
    if len(files) > 2:
        raise InnovateSimError(
            f"cost takes one scenario (its bill) or two (the second against the first), "
            f"not {len(files)}"
        )
    scenarios = [load_input(path, usage, catalog) for path in files]
    estimates = [estimate_cost(scenario, month=month) for scenario in scenarios]
    if len(estimates) == 1:
        text = render_estimate(estimates[0], format=chosen, console=console)
    else:
        try:
            diff = diff_estimates(*estimates)
        except ValueError as exc:
            raise InnovateSimError(f"{files[0]} vs {files[1]}: {exc}") from None
        text = render_diff(diff, format=chosen, console=console)
    if text:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    # the defaults behind the bill (the head's, for a diff: what the change leaves assumed)
    disclose(scenarios[-1], estimates[-1].to_frame(), to_stderr=chosen != "table")
