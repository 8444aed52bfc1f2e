"""Price catalogs from AWS Price List offer files: formats, rules, bounded memory, other regions.

The fixtures in ``tests/data/offers`` follow the documented layouts with the bundled
us-east-1 prices (see the README there), so an import is checked key by key against
the bundled catalog.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from innovate_sim.cost import estimate_cost
from innovate_sim.errors import InnovateSimError, ScenarioError
from innovate_sim.pricing import load_catalog
from innovate_sim.pricing.offer_files import OfferFileError, read_offer_file
from innovate_sim.pricing.offer_import import import_offer_files
from innovate_sim.pricing.offer_rules import match_row
from innovate_sim.scenario import load_scenario, scenario_from_dict

ROOT = Path(__file__).resolve().parents[2]
OFFERS = ROOT / "tests" / "data" / "offers"
FILES = sorted(p for p in OFFERS.iterdir() if p.suffix in (".csv", ".json"))


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-c", "from innovate_sim.cli import run; run()", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
    )


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("catalog")
    return out, import_offer_files(FILES, "us-east-1", out)


# -- the two formats ---------------------------------------------------------------------------


def test_csv_preamble_and_header_are_read() -> None:
    meta, rows = read_offer_file(OFFERS / "AmazonEC2-us-east-1.csv")
    first = next(rows)
    assert (meta.format, meta.offer_code, meta.version) == ("csv", "AmazonEC2", "20260920000000")
    assert meta.publication_date == "2026-09-20T00:00:00Z"
    assert first.attributes["instancetype"] == "m7g.large"  # "Instance Type" normalised
    assert first.attributes["somefuturecolumn"] == "x"  # unknown columns are carried, unused
    assert first.term_type == "OnDemand" and first.effective_date == "2026-09-01"


def test_json_products_and_terms_are_joined() -> None:
    meta, rows = read_offer_file(OFFERS / "AmazonRDS-us-east-1.json")
    by_term = {}
    for row in rows:
        by_term.setdefault(row.term_type, []).append(row)
    assert meta.format == "json" and meta.offer_code == "AmazonRDS"
    assert len(by_term["Reserved"]) == 4 and by_term["Reserved"][0].unit == "Quantity"
    od = {r.attributes.get("usagetype"): r.price for r in by_term["OnDemand"]}
    assert od["Multi-AZUsage:db.m6g.large"] == pytest.approx(0.318)


def test_tiers_terms_currencies_and_distractors(imported: tuple[Path, object]) -> None:
    _, report = imported
    counts = report.counts  # type: ignore[attr-defined]
    assert counts["term Reserved (ignored)"] == 28  # 12 EC2 types x 2 dimensions + 4 RDS fees
    assert counts["currency CNY (ignored)"] == 1
    assert counts["free-tier dimension priced 0 (skipped)"] == 1  # data out, first 100 GB
    written = report.written  # type: ignore[attr-defined]
    assert written["DataTransfer/out to internet first 10 TB"] == 0.09
    assert written["DataTransfer/out to internet next 40 TB"] == 0.085
    assert written["DataTransfer/out to internet next 100 TB"] == 0.07
    assert written["VPC/Interface VPC endpoint data processed (next 4 PB)"] == 0.006
    assert written["EC2/m7g.large"] == 0.0816  # not the Windows, Dedicated or unused rows
    assert written["ELB/Application Load Balancer"] == 0.0225  # not the Outposts row
    assert written["WAF/requests"] == pytest.approx(0.60)  # per request x 1e6
    assert written["S3/Standard PUT, COPY, POST, LIST requests"] == pytest.approx(0.005)
    # first tiers, whatever the order of the rows: not the 10K+ metrics, the 26th+ zone, 1B+ queries
    assert written["CloudWatch/custom metrics (first 10K)"] == pytest.approx(0.30)
    assert written["Route53/hosted zone"] == pytest.approx(0.50)
    assert written["Route53/standard queries (first 1B)"] == pytest.approx(0.40)  # per query x 1e6
    assert written["CloudWatch/alarm (standard resolution)"] == pytest.approx(0.10)  # not high-res
    assert written["Backup/AWS Backup RDS snapshot storage"] == pytest.approx(0.095)


def test_a_global_usage_type_is_not_read_as_prefixed() -> None:
    """Route 53's ``DNS-Queries`` looks like a region prefix ``DNS-`` on ``Queries``."""
    _, rows = read_offer_file(OFFERS / "AmazonRoute53-global.csv")
    targets = {
        (r.begin_range, r.attributes["usagetype"]): match_row("AmazonRoute53", r) for r in rows
    }
    first_billion = targets[(0.0, "DNS-Queries")]
    assert first_billion is not None and first_billion.sku == "standard queries (first 1B)"
    assert targets[(1e9, "DNS-Queries")] is None and targets[(25.0, "HostedZone")] is None


def test_imported_prices_equal_the_bundled_ones(imported: tuple[Path, object]) -> None:
    out, report = imported
    ours, bundled = load_catalog("us-east-1", directory=out), load_catalog("us-east-1")
    for key in ours.keys():  # noqa: SIM118  (a catalog is not a mapping)
        service, sku = key.split("/", 1)
        expected = bundled.price(service, sku).usd
        # Spot rows are derived (on-demand x Spot Advisor saving) and rounded to 4 digits
        tolerance = 1e-3 * expected if service == "EC2-Spot" else 1e-12
        assert ours.price(service, sku).usd == pytest.approx(expected, abs=tolerance), key
    source = ours.price("VPC", "NAT Gateway").source
    assert re.search(
        r"AmazonEC2 20260920000000 \(AmazonEC2-us-east-1.csv\); SKU \w+, offer "
        r"term JRTCKXETXF, rate \w+\.JRTCKXETXF\.6YS6EN2CT7, effective 2026-09-01",
        source,
    )
    assert "EC2/t3.medium" in report.missing  # type: ignore[attr-defined]


def test_prod_priced_from_the_import_equals_the_bundled_bill(imported: tuple[Path, object]) -> None:
    out, _ = imported
    prod = load_scenario(ROOT / "scenarios" / "prod.yaml")
    data = prod.model_dump(mode="json", exclude={"extends"})
    data["pricing"]["catalog"] = str(out)
    ours, theirs = estimate_cost(scenario_from_dict(data)), estimate_cost(prod)
    assert [(c.resource, c.component, round(c.monthly_usd, 6)) for c in ours.components] == [
        (c.resource, c.component, round(c.monthly_usd, 6)) for c in theirs.components
    ]


# -- another region ----------------------------------------------------------------------------


def _as_region(tmp_path: Path, region: str, prefix: str, location: str) -> list[Path]:
    """The fixtures rewritten as another region's files (same prices: mechanics only)."""
    out = []
    for path in FILES:
        text = (
            path.read_text().replace("us-east-1", region).replace("US East (N. Virginia)", location)
        )
        text = text.replace("USE1-", f"{prefix}-")
        text = re.sub(
            r'"(NatGateway|EBS:|DataTransfer-|VpcEndpoint|PublicIPv4|CPUCredits|'
            r"LoadBalancerUsage|LCUUsage|TimedStorage|Requests-Tier|RDS:)",
            lambda m: f'"{prefix}-{m.group(1)}',
            text,
        )
        target = tmp_path / path.name.replace("us-east-1", region)
        target.write_text(text)
        out.append(target)
    return out


def test_a_second_region_prices_prod(tmp_path: Path) -> None:
    files = _as_region(tmp_path, "eu-west-1", "EU", "EU (Ireland)")
    catalog = tmp_path / "catalog"
    done = cli("prices", "import", *map(str, files), "--region", "eu-west-1", "--out", str(catalog))
    assert done.returncode == 0, done.stderr
    assert re.search(
        r"wrote \d+ prices to .*prices_eu-west-1.csv in [\d.]+ s \(peak RSS \d+ MiB\)",
        done.stdout.replace("\n", ""),
    )
    scenario = tmp_path / "prod-eu.yaml"
    scenario.write_text(
        f"extends: {ROOT / 'scenarios/prod.yaml'}\nregion: eu-west-1\n"
        "pricing: {catalog: catalog}\n"
    )
    bill = cli("cost", str(scenario))
    assert bill.returncode == 0, bill.stderr
    assert "prices aws-eu-west-1@2026-09-01" in bill.stdout
    # without the AWS Backup offer, the bill says which price is missing, at its line
    no_backup = [f for f in files if not f.name.startswith("AWSBackup")]
    assert cli("prices", "import", *map(str, no_backup), "--region", "eu-west-1",
               "--out", str(catalog)).returncode == 0  # fmt: skip
    missing = cli("cost", str(scenario))
    assert missing.returncode == 2
    assert "no price for Backup/" in missing.stderr and "pricing.overrides" in missing.stderr
    assert cli("prices", "--region", "eu-west-1", "--catalog", str(catalog)).returncode == 0
    # nothing of eu-west-1 in a us-east-1 import: a clear error, not an empty catalog
    with pytest.raises(InnovateSimError, match="no on-demand USD price of eu-west-1"):
        import_offer_files(FILES, "eu-west-1", tmp_path / "empty")


def test_a_region_without_a_catalog_says_how_to_get_one(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(f"extends: {ROOT / 'scenarios/prod.yaml'}\nregion: ap-southeast-2\n")
    with pytest.raises(ScenarioError, match="innovate-sim prices import"):
        load_scenario(scenario)
    scenario.write_text(f"extends: {ROOT / 'scenarios/prod.yaml'}\npricing: {{catalog: nowhere}}\n")
    with pytest.raises(ScenarioError, match=r"pricing\.catalog: price catalog folder .*nowhere"):
        load_scenario(scenario)


# -- bad files and bounded memory ------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('"FormatVersion","v1.0"\n"OfferCode","AmazonEC2"\n', 'no header row starting with "SKU"'),
        ('"SKU","OfferTermCode"\n"A","B"\n', r"header lacks columns \['currency'"),
        (
            "OfferCode,AWSComputeSavingsPlan\nSKU,RateCode,Unit,EffectiveDate,DiscountedRate,Currency\n",
            "AWSComputeSavingsPlan is a Savings Plans offer",
        ),
        ('{"offerCode": "AmazonRDS", "products": {"A": {"attributes": {}}', "ends too early"),
        ('{"terms": {}}', "'terms' before 'products'"),
        ("\x00\x01binary", "neither a CSV nor a JSON offer file"),
    ],
)
def test_malformed_offer_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "offer.csv"
    path.write_text(content)
    with pytest.raises(OfferFileError, match=message):
        _, rows = read_offer_file(path)
        list(rows)
    done = cli("prices", "import", str(path))
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_a_row_with_the_wrong_field_count_is_located(tmp_path: Path) -> None:
    text = (OFFERS / "AmazonEKS-us-east-1.csv").read_text() + '"X","Y"\n'
    path = tmp_path / "eks.csv"
    path.write_text(text)
    with pytest.raises(OfferFileError, match=r"eks\.csv:9: 2 fields, the header has 37"):
        list(read_offer_file(path)[1])


def _big_files(tmp_path: Path, rows: int) -> list[Path]:
    """A CSV and a JSON offer of ``rows`` irrelevant products each, plus the real fixture rows."""
    ec2 = (OFFERS / "AmazonEC2-us-east-1.csv").read_text().splitlines(keepends=True)
    filler = ec2[6].replace("m7g.large", "x9.huge").replace("Compute Instance", "Filler")
    csv_path = tmp_path / "big.csv"
    with csv_path.open("w") as handle:
        handle.writelines(ec2[:6])
        for _ in range(rows // 10_000):
            handle.write(filler * 10_000)
        handle.writelines(ec2[6:])
    rds = (OFFERS / "AmazonRDS-us-east-1.json").read_text()
    product = (
        '"F{0}" : {{"sku" : "F{0}", "productFamily" : "Filler", "attributes" : '
        '{{"regionCode" : "us-east-1", "usagetype" : "Filler-{0}"}}}},\n'
    )
    json_path = tmp_path / "big.json"
    with json_path.open("w") as handle:
        head, tail = rds.split('"products" : {', 1)
        handle.write(head + '"products" : {\n')
        for start in range(0, rows, 10_000):
            handle.write("".join(product.format(i) for i in range(start, start + 10_000)))
        handle.write(tail)
    return [csv_path, json_path]


def test_import_runs_in_bounded_memory(tmp_path: Path) -> None:
    files = _big_files(tmp_path, 300_000)
    size_mib = sum(p.stat().st_size for p in files) / 2**20
    assert size_mib > 150
    done = cli("prices", "import", *map(str, files), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    rss = int(re.search(r"peak RSS (\d+) MiB", done.stdout).group(1))  # type: ignore[union-attr]
    assert rss < 200, f"{rss} MiB for {size_mib:.0f} MiB of offer files"
    catalog = load_catalog("us-east-1", directory=tmp_path / "out")
    assert catalog.price("RDS-PostgreSQL", "db.m6g.large Multi-AZ").usd == pytest.approx(0.318)
