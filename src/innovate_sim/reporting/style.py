"""Colours and axis formatters shared by every innovate_sim plot.

A service, a failure cause, an account or an environment keeps the same colour
in every figure, so a reader who learned "RDS is green" on the bill sees RDS
green on the monthly stack too. Names are matched case-insensitively and
without punctuation (``"RDS-PostgreSQL"`` and ``"rds"`` are both RDS). Names not
listed here still get a stable colour, derived from a checksum of the name (not
from Python's per-process ``hash``), so it does not change between runs.
"""

from __future__ import annotations

import math
import re
import zlib

from matplotlib.ticker import FuncFormatter, PercentFormatter

from innovate_sim.formatting import format_usd_short

__all__ = [
    "ACCOUNT_COLOURS",
    "CAUSE_COLOURS",
    "ENVIRONMENT_COLOURS",
    "FALLBACK_COLOURS",
    "SERVICE_COLOURS",
    "account_colour",
    "cause_colour",
    "colour_for",
    "environment_colour",
    "hour_of_day_formatter",
    "percent_formatter",
    "service_colour",
    "usd_formatter",
]

#: One colour per AWS service, keyed by the normalised name (see ``_key``).
SERVICE_COLOURS: dict[str, str] = {
    "ec2": "#1f77b4",  # compute nodes: blue
    "eks": "#6baed6",  # control plane: light blue, next to its nodes
    "ebs": "#9ecae1",
    "rds": "#2ca02c",  # database: green
    "backup": "#98df8a",
    "vpc": "#ff7f0e",  # NAT Gateways, endpoints: orange
    "natgateway": "#ff7f0e",
    "datatransfer": "#ffbb78",
    "elb": "#9467bd",  # load balancer: purple
    "waf": "#d62728",
    "shield": "#ff9896",
    "cloudwatch": "#e377c2",
    "ecr": "#8c564b",
    "s3": "#bcbd22",
    "iam": "#c7c7c7",
    "organizations": "#c7c7c7",
    "other": "#7f7f7f",
}

#: Aliases folded onto a key of ``SERVICE_COLOURS``.
_SERVICE_ALIASES: dict[str, str] = {
    "rdspostgresql": "rds",
    "postgresql": "rds",
    "nat": "natgateway",
    "natgateways": "natgateway",
    "alb": "elb",
    "loadbalancer": "elb",
    "elasticloadbalancing": "elb",
    "cloudwatchlogs": "cloudwatch",
    "logs": "cloudwatch",
    "awsbackup": "backup",
}

#: One colour per incident cause (the set is open; see ``cause_colour``).
CAUSE_COLOURS: dict[str, str] = {
    "azoutage": "#d62728",  # red: the big one
    "natfailure": "#ff7f0e",  # orange, as NAT on the bill
    "rdsfailover": "#2ca02c",  # greens: the database
    "rdsmaintenance": "#74c476",
    "rdsrestore": "#006d2c",
    "capacityshortfall": "#9467bd",
    "spotinterruption": "#17becf",
    "spot": "#17becf",
    "nodefailure": "#1f77b4",
    "controlplane": "#8c564b",
    "albfailure": "#e377c2",
    "chaos": "#7f7f7f",
}

ACCOUNT_COLOURS: dict[str, str] = {
    "management": "#7f7f7f",
    "sharedservices": "#8c564b",
    "dev": "#17becf",
    "prod": "#1f77b4",
}

ENVIRONMENT_COLOURS: dict[str, str] = {
    "prod": "#1f77b4",
    "dev": "#17becf",
    "sharedservices": "#8c564b",
    "staging": "#bcbd22",
}

#: Colours handed out, by checksum of the name, to names not listed above.
FALLBACK_COLOURS: tuple[str, ...] = (
    "#393b79",
    "#637939",
    "#8c6d31",
    "#843c39",
    "#7b4173",
    "#5254a3",
    "#8ca252",
    "#bd9e39",
    "#ad494a",
    "#a55194",
    "#6b6ecf",
    "#b5cf6b",
    "#e7ba52",
    "#d6616b",
    "#ce6dbd",
)

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _key(name: object) -> str:
    text = str(name).strip().lower()
    for prefix in ("amazon ", "aws "):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    return _NON_ALNUM.sub("", text)


def _fallback(name: object) -> str:
    return FALLBACK_COLOURS[zlib.crc32(_key(name).encode()) % len(FALLBACK_COLOURS)]


def service_colour(service: object) -> str:
    """Colour of an AWS service (``"EC2"``, ``"RDS"``, ``"NAT Gateway"``, …) as a hex string."""
    key = _key(service)
    key = _SERVICE_ALIASES.get(key, key)
    return SERVICE_COLOURS.get(key) or _fallback(service)


def cause_colour(cause: object) -> str:
    """Colour of an incident cause (``"az-outage"``, ``"rds-failover"``, …) as a hex string."""
    return CAUSE_COLOURS.get(_key(cause)) or _fallback(cause)


def account_colour(account: object) -> str:
    """Colour of an AWS account (management, shared-services, dev, prod)."""
    return ACCOUNT_COLOURS.get(_key(account)) or _fallback(account)


def environment_colour(environment: object) -> str:
    """Colour of an environment (prod, dev, shared-services, …)."""
    return ENVIRONMENT_COLOURS.get(_key(environment)) or _fallback(environment)


def colour_for(kind: str, name: object) -> str:
    """Colour of ``name`` in the palette of ``kind``.

    Args:
        kind: ``"service"``, ``"cause"``, ``"account"`` or ``"environment"``;
            any other kind (``"component"``, ``"resource"``) gets the stable
            fallback colour of the name.
        name: the category's name as it appears in a results table.
    """
    lookup = {
        "service": service_colour,
        "cause": cause_colour,
        "account": account_colour,
        "environment": environment_colour,
    }.get(kind, _fallback)
    return lookup(name)


def _usd_tick(value: float, _pos: object = None) -> str:
    return format_usd_short(value)


def usd_formatter() -> FuncFormatter:
    """Tick formatter for USD axes: ``$850``, ``$12k``, ``$1.5M``."""
    return FuncFormatter(_usd_tick)


def percent_formatter(decimals: int | None = None) -> PercentFormatter:
    """Tick formatter for axes whose data are already in percent (0–100).

    Args:
        decimals: digits after the point; ``None`` picks enough to tell ticks
            apart (useful near 99.9x %).
    """
    return PercentFormatter(xmax=100.0, decimals=decimals)


def _hour_of_day_tick(value: float, _pos: object = None) -> str:
    day, hour = divmod(value, 24.0)
    whole = math.floor(hour + 1e-9)
    minutes = round((hour - whole) * 60.0)
    if minutes == 60:
        whole, minutes = whole + 1, 0
    label = f"{int(whole) % 24:02d}:{minutes:02d}"
    if abs(hour) < 1e-9:
        label += f"\nday {int(day)}"
    return label


def hour_of_day_formatter() -> FuncFormatter:
    """Tick formatter for a clock in hours: ``06:00``, with the day number at midnight."""
    return FuncFormatter(_hour_of_day_tick)
