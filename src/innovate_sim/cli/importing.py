"""Commands that bring outside descriptions in: ``import terraform`` and ``prices import``.

Also the one loader the bill and gate commands share, so that ``cost`` and
``check`` take a Terraform plan (``.json``) wherever they take a scenario file.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from innovate_sim.cli.app import app, console, errors

if TYPE_CHECKING:
    from innovate_sim.scenario import Scenario

__all__ = ["CatalogOpt", "UsageOpt", "load_input"]

UsageOpt = Annotated[
    Path | None,
    typer.Option(
        "--usage",
        help="Usage file for a Terraform plan (default: usage.yaml beside the plan, if any).",
    ),
]
CatalogOpt = Annotated[
    Path | None,
    typer.Option("--catalog", help="A price catalog folder written by `prices import`."),
]

import_app = typer.Typer(
    help="Import an architecture described elsewhere (a Terraform plan).", no_args_is_help=True
)
app.add_typer(import_app, name="import")


def _usage_for(plan: Path, usage: Path | None) -> Path | None:
    from innovate_sim.importers import DEFAULT_USAGE_FILE

    if usage is not None:
        return usage
    beside = plan.parent / DEFAULT_USAGE_FILE
    return beside if beside.is_file() else None


def load_input(path: Path, usage: Path | None = None, catalog: Path | None = None) -> Scenario:
    """A scenario from a YAML file or a Terraform plan (``.json``), optionally repriced.

    For a plan, the import's assumptions are printed on stderr so that stdout
    stays the command's output.
    """
    from innovate_sim.cost.pricecheck import check_prices
    from innovate_sim.scenario import load_scenario, scenario_from_dict

    if path.suffix.lower() == ".json":
        from innovate_sim.importers import import_terraform

        result = import_terraform(path, _usage_for(path, usage))
        errors.print(
            f"{path}: imported with usage file {result.usage or 'none'}",
            markup=False,
            soft_wrap=True,
        )
        for line in result.notes():
            errors.print(f"  {line}", markup=False, soft_wrap=True)
        scenario = result.scenario
    else:
        scenario = load_scenario(path)
    if catalog is not None:
        data = scenario.model_dump(mode="json", exclude={"extends"})
        data["pricing"]["catalog"] = str(catalog.resolve())
        scenario = scenario_from_dict(data, source=f"{path} with --catalog {catalog}")
    # Price every resource for every month now: a missing price is a located error
    # before any bill or simulation (a plan has no lines to point at).
    check_prices(scenario, None if path.suffix.lower() == ".json" else path)
    return scenario


@import_app.command("terraform")
def import_terraform_command(
    plan: Annotated[Path, typer.Argument(help="`terraform show -json` output (plan or state).")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the scenario YAML here.")
    ] = None,
    usage: UsageOpt = None,
) -> None:
    """Turn a Terraform plan or state into a scenario; print every assumption made."""
    from innovate_sim.importers import import_terraform

    result = import_terraform(plan, _usage_for(plan, usage))
    text = result.to_yaml()
    report = console if out is not None else errors
    scenario = result.scenario
    report.print(
        f"imported {plan} ({result.plan.kind}, {len(result.plan.resources)} resources) as "
        f"scenario {scenario.name!r}: environments {', '.join(scenario.environments)}, "
        f"region {scenario.region}; usage file {result.usage or 'none'}",
        markup=False,
        soft_wrap=True,
    )
    for line in result.notes():
        report.print(f"  {line}", markup=False, soft_wrap=True)
    if out is None:
        sys.stdout.write(text)
        return
    from innovate_sim.experiments.io import atomic_write_text

    atomic_write_text(out, text)
    console.print(f"wrote {out}", markup=False, soft_wrap=True)


def register_prices_import(prices_app: typer.Typer) -> None:
    """Add ``prices import`` to the ``prices`` group."""

    @prices_app.command("import")
    def prices_import(
        files: Annotated[list[Path], typer.Argument(help="AWS Price List offer files (CSV/JSON).")],
        region: Annotated[str, typer.Option(help="Region whose prices to keep.")] = "us-east-1",
        out: Annotated[Path, typer.Option("--out", help="Catalog folder to write.")] = Path(
            "price-catalog"
        ),
    ) -> None:
        """Build a price catalog folder from AWS's offer files, in bounded memory."""
        from innovate_sim.pricing.offer_import import import_offer_files

        report = import_offer_files(files, region, out)
        for line in report.files:
            console.print(line, markup=False, soft_wrap=True)
        counts = ", ".join(f"{n:,} {what}" for what, n in report.counts.most_common())
        console.print(f"price dimensions: {counts}", markup=False, soft_wrap=True)
        for conflict in report.conflicts:
            console.print(f"conflict: {conflict}", markup=False, soft_wrap=True)
        console.print(
            f"wrote {len(report.written)} prices to {out}/prices_{region}.csv "
            f"in {report.seconds:.2f} s (peak RSS {report.peak_rss_mib:.0f} MiB)",
            markup=False,
            soft_wrap=True,
        )
        if report.missing:
            console.print(
                f"not in these files ({len(report.missing)} keys of the bundled us-east-1 "
                f"catalog): {', '.join(report.missing)}",
                markup=False,
                soft_wrap=True,
            )
        console.print(
            f"use it: pricing.catalog: {out} (scenario) or --catalog {out} (cost, prices)",
            markup=False,
            soft_wrap=True,
        )
