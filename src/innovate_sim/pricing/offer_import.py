"""Build a price catalog folder from AWS Price List offer files (``innovate-sim prices import``).

Each on-demand USD price dimension of an offer file is matched against the
rules below; a match becomes a catalog row ``SERVICE/SKU`` in the package's
units, with the AWS SKU, offer term, rate code, effective date, offer version
and file as its source. What is left out, and why:

* **terms other than OnDemand** (``Reserved``) are counted and ignored: the
  scenario models commitments as a fraction off list prices
  (``pricing.discounts``), not as reserved rates;
* **other currencies** (CNY in the China regions) are counted and ignored: the
  package's money is USD;
* **products no rule matches**, and free-tier dimensions priced 0, are counted.

Spot prices are not in the Bulk API, so each imported instance type's Spot row
is derived as on-demand × (1 − the Spot Advisor saving shipped for us-east-1),
and marked so. Items free in every region (Shield Standard, gateway endpoints,
Organizations …) are copied from the bundled catalog with their sources. The
instance types' static facts (vCPU, memory, allocatable, max pods) are copied
from the bundled catalog for the types the files price.
"""

from __future__ import annotations

import csv
import io
import resource
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from innovate_sim.pricing import _loader
from innovate_sim.pricing.instances import InstanceSpec
from innovate_sim.pricing.offer_files import OfferRow, read_offer_file
from innovate_sim.pricing.offer_rules import (
    GLOBAL_LOCATION,
    LOCATIONS,
    Target,
    is_relevant,
    match_row,
)

__all__ = ["ImportReport", "import_offer_files"]

_ON_DEMAND = "OnDemand"
_PRICE_COLUMNS = ("service", "sku", "unit", "usd", "source", "as_of", "notes", "verified")


@dataclass
class ImportReport:
    """What an import read, wrote and could not find.

    Attributes:
        region: the catalog's region.
        files: per file: format, offer code, version, rows read.
        counts: rows by outcome (``mapped``, ``term Reserved``, ``currency CNY`` …).
        written: catalog rows written, by key.
        missing: keys of the bundled us-east-1 catalog the files did not price.
        conflicts: keys priced differently by two SKUs (the first kept).
        seconds: wall time of the import.
        peak_rss_mib: the process's peak resident memory.
    """

    region: str
    files: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    written: dict[str, float] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    seconds: float = 0.0
    peak_rss_mib: float = 0.0


def _in_region(region: str) -> Callable[[Mapping[str, str]], bool]:
    """Products of the region that some rule may read."""
    location = LOCATIONS.get(region)

    def keep(attributes: Mapping[str, str]) -> bool:
        code = attributes.get("regioncode") or attributes.get("fromregioncode")
        if code:
            here = code == region
        else:
            at = attributes.get("location", location)
            here = location is None or at in (location, GLOBAL_LOCATION)
        return here and is_relevant(attributes)

    return keep


def import_offer_files(paths: Iterable[str | Path], region: str, out: str | Path) -> ImportReport:
    """Read offer files and write ``prices_<region>.csv`` and ``instance_types_<region>.csv``.

    Args:
        paths: offer files (CSV or JSON), any services, of one region or global.
        region: the region whose prices to keep (rows of other regions are skipped).
        out: the catalog folder to write (created if missing).

    Raises:
        OfferFileError: a file breaks the documented layout.
        InnovateSimError: nothing of the region could be priced (global prices alone,
            such as Route 53's, do not make a catalog).
    """
    from innovate_sim.errors import InnovateSimError

    started = time.perf_counter()
    report = ImportReport(region=region)
    rows: dict[str, tuple[Target, OfferRow, str]] = {}
    keep = _in_region(region)
    for path in paths:
        meta, stream = read_offer_file(path, keep)
        for row in stream:
            offer = f"{meta.offer_code} {meta.version} ({Path(path).name})"
            _take(meta.offer_code, row, rows, report, offer)
        report.files.append(
            f"{path}: {meta.format}, {meta.offer_code or 'unknown offer'} {meta.version}, "
            f"published {meta.publication_date or '?'}; {meta.rows:,} price dimensions of {region}"
        )
    if all(row.attributes.get("location") == GLOBAL_LOCATION for _, row, _ in rows.values()):
        raise InnovateSimError(
            f"no on-demand USD price of {region} in {', '.join(map(str, paths))}; check the "
            "region (--region) and that these are AWS Price List offer files"
        )
    prices = _catalog_rows(rows, region)
    _write(Path(out), region, prices, report)
    report.seconds = time.perf_counter() - started
    report.peak_rss_mib = _peak_rss_mib()
    return report


def _peak_rss_mib() -> float:
    """This process's peak resident memory in MiB.

    ``VmHWM`` of ``/proc/self/status`` where there is one: ``getrusage``'s
    ``ru_maxrss`` survives ``exec``, so a command started by a big process would
    report its parent's peak.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _take(
    offer_code: str,
    row: OfferRow,
    rows: dict[str, tuple[Target, OfferRow, str]],
    report: ImportReport,
    offer: str,
) -> None:
    if row.term_type != _ON_DEMAND:
        report.counts[f"term {row.term_type} (ignored)"] += 1
        return
    if row.currency != "USD":
        report.counts[f"currency {row.currency} (ignored)"] += 1
        return
    target = match_row(offer_code, row)
    if target is None:
        report.counts["no rule (not used by the model)"] += 1
        return
    if row.price == 0:
        report.counts["free-tier dimension priced 0 (skipped)"] += 1
        return
    key = f"{target.service}/{target.sku}"
    known = rows.get(key)
    if known is not None:  # the first SKU read for a key wins; a different price is reported
        if abs(known[1].price - row.price) > 1e-12:
            report.conflicts.append(
                f"{key}: SKU {known[1].sku} {known[1].price:g} kept, "
                f"SKU {row.sku} {row.price:g} dropped"
            )
        return
    report.counts["mapped"] += 1
    rows[key] = (target, row, offer)


def _catalog_rows(
    rows: Mapping[str, tuple[Target, OfferRow, str]], region: str
) -> list[dict[str, str]]:
    out = []
    for target, row, offer in rows.values():
        out.append(
            {
                "service": target.service,
                "sku": target.sku,
                "unit": target.unit,
                "usd": f"{row.price * target.scale:.10g}",
                "source": (
                    f"AWS Price List Bulk API {offer}; SKU {row.sku}, offer term "
                    f"{row.offer_term_code}, rate {row.rate_code}, effective {row.effective_date}"
                ),
                "as_of": row.effective_date,
                "notes": (
                    f"{region} on-demand; '{row.description}' ({row.price:g} USD per {row.unit})"
                ),
                "verified": "yes",  # read from AWS's own offer file
            }
        )
    return out


def _write(out: Path, region: str, prices: list[dict[str, str]], report: ImportReport) -> None:
    """Add the derived and free rows, write both files, and note what is missing."""
    bundled = {p.key: p for p in _loader.load_prices("us-east-1")}
    have = {f"{p['service']}/{p['sku']}" for p in prices}
    for key, price in bundled.items():
        if price.list_usd == 0 and key not in have and price.service not in ("EC2", "EC2-Spot"):
            prices.append(
                _row(
                    price.service,
                    price.sku,
                    price.unit,
                    0.0,
                    price.source,
                    price.as_of.isoformat() if price.as_of else "",
                    "free in every region; copied from the bundled catalog",
                    price.verified,
                )
            )
            have.add(key)
    specs = []
    for spec in _loader.load_instance_specs("us-east-1"):
        on_demand = next(
            (p for p in prices if p["service"] == "EC2" and p["sku"] == spec.name), None
        )
        if on_demand is None:
            continue
        specs.append(spec)
        # four significant digits, as the bundled Spot rows are rounded
        spot = float(f"{float(on_demand['usd']) * (1 - spec.spot_savings_pct / 100):.4g}")
        prices.append(
            _row(
                "EC2-Spot",
                spec.name,
                "hour",
                spot,
                f"derived: {region} on-demand ({on_demand['source']}) x "
                f"(1 - {spec.spot_savings_pct:g}% us-east-1 Spot Advisor saving in the package)",
                on_demand["as_of"],
                "Spot prices are not in the Bulk API; regional Spot savings differ",
                False,  # derived from us-east-1 savings, not read for this region
            )
        )
        have.add(f"EC2-Spot/{spec.name}")
    # an instance type's derived Spot row is missing exactly when its on-demand row is
    report.missing = sorted(
        k
        for k in bundled
        if k not in have and not (k.startswith("EC2-Spot/") and f"EC2/{k[9:]}" not in have)
    )
    report.written = {f"{p['service']}/{p['sku']}": float(p["usd"]) for p in prices}
    out.mkdir(parents=True, exist_ok=True)
    _write_csv(out / f"prices_{region}.csv", _PRICE_COLUMNS, prices)
    _write_specs(out / f"instance_types_{region}.csv", specs, region)


def _row(
    service: str,
    sku: str,
    unit: str,
    usd: float,
    source: str,
    as_of: str,
    notes: str,
    verified: bool,
) -> dict[str, str]:
    return {
        "verified": "yes" if verified else "no",
        "service": service,
        "sku": sku,
        "unit": unit,
        "usd": f"{usd:.10g}",
        "source": source,
        "as_of": as_of,
        "notes": notes,
    }


def _write_csv(path: Path, columns: Iterable[str], rows: Iterable[Mapping[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _write_specs(path: Path, specs: list[InstanceSpec], region: str) -> None:
    rows = []
    for spec in specs:
        rows.append(
            {
                "instance_type": spec.name,
                "family": spec.family,
                "size": spec.size,
                "arch": spec.arch,
                "vcpu": str(spec.vcpu),
                "memory_gib": f"{spec.memory_gib:g}",
                "allocatable_cpu": f"{spec.allocatable_cpu:g}",
                "allocatable_memory_gib": repr(spec.allocatable_memory_gib),
                "max_pods": str(spec.max_pods),
                "spot_savings_pct": f"{spec.spot_savings_pct:g}",
                "spot_interruption_band": spec.spot_interruption_band,
                "source": (
                    f"copied from the bundled us-east-1 data for {region} (instance facts do "
                    f"not depend on the region; the Spot figures are us-east-1's): {spec.source}"
                ),
                "as_of": spec.as_of.isoformat(),
                "spot_as_of": spec.spot_as_of.isoformat(),
            }
        )
    _write_csv(path, _loader._INSTANCE_COLUMNS, rows)
