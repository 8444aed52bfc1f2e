"""Print a price catalog as a table with :mod:`rich` (used by ``innovate-sim prices``)."""

from __future__ import annotations

import re
from itertools import groupby

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from innovate_sim.formatting import format_unit_price
from innovate_sim.pricing.catalog import PriceCatalog
from innovate_sim.pricing.price import Price

__all__ = ["render_catalog", "short_source"]

_GITHUB = re.compile(r"^github (?P<repo>[\w.-]+/[\w.-]+) (?P<path>\S+)(?: @(?P<commit>[0-9a-f]+))?")
_URL = re.compile(r"^https?://(?:www\.)?(?P<host>[^/\s]+)(?P<path>/\S*)?")
_SHORT_SOURCE_CHARS = 48


def short_source(source: str) -> str:
    """Shorten a source for a table cell: ``owner/repo:file @commit`` or ``host/…/page``.

    Several sources joined by ``" ; "`` are shortened one by one and joined by ``" + "``.
    """
    parts = [part.strip() for part in source.split(" ; ") if part.strip()]
    if len(parts) > 1:
        return " + ".join(short_source(part) for part in parts)
    text = parts[0] if parts else source
    github = _GITHUB.match(text)
    if github:
        commit = f" @{github['commit']}" if github["commit"] else ""
        return f"{github['repo']}:{github['path'].rsplit('/', 1)[-1]}{commit}"
    url = _URL.match(text)
    if url:
        tail = (url["path"] or "").rstrip("/").rsplit("/", 1)[-1]
        return f"{url['host']}/…/{tail}" if tail else url["host"]
    if len(text) > _SHORT_SOURCE_CHARS:
        return text[: _SHORT_SOURCE_CHARS - 1] + "…"
    return text


def _usd_cell(price: Price) -> str:
    if price.discount:
        listed = format_unit_price(price.list_usd)
        return f"{format_unit_price(price.usd)} (list {listed}, -{price.discount:.0%})"
    return format_unit_price(price.usd)


def render_catalog(cat: PriceCatalog, console: Console | None = None) -> None:
    """Print the catalog grouped by service, with its version and dated sources.

    Args:
        cat: the catalog to print (its overrides and discounts are shown).
        console: where to print; a new :class:`rich.console.Console` by default.
    """
    console = console if console is not None else Console()
    console.print(
        f"[bold]AWS price catalog[/bold] region [cyan]{cat.region}[/cyan], "
        f"version [cyan]{cat.version}[/cyan], {len(cat)} prices"
    )
    if not cat.discounts.is_zero:
        console.print(
            f"discounts: compute savings plan {cat.discounts.compute_savings_plan:.0%} "
            f"(on-demand EC2), RDS reserved {cat.discounts.rds_reserved:.0%} (DB instance-hours)"
        )
    if cat.overrides:
        console.print(f"scenario overrides: {', '.join(sorted(cat.overrides))}")
    console.print("sources:")
    for ref in cat.sources:
        as_of = ref.as_of.isoformat() if ref.as_of is not None else "undated"
        console.print(f"  {as_of}  {short_source(ref.source)}", highlight=False, markup=False)

    table = Table()
    for column in ("service", "sku", "unit"):
        table.add_column(column)
    table.add_column("usd", justify="right")
    table.add_column("as of")
    table.add_column("verified")
    table.add_column("source")
    # Sort by service only: within a service the catalog's own (curated) order is kept.
    ordered = sorted(cat.prices(), key=lambda price: price.service)
    for index, (service, group) in enumerate(groupby(ordered, key=lambda price: price.service)):
        if index:
            table.add_section()
        for row, price in enumerate(group):
            table.add_row(
                escape(service) if row == 0 else "",
                escape(price.sku),
                escape(price.unit),
                _usd_cell(price),
                price.as_of.isoformat() if price.as_of is not None else "override",
                "yes" if price.verified else "no",
                escape(short_source(price.source)),
            )
    console.print(table)
