"""Tests of reporting plots: the Display contract, artist counts, clear errors."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection, PolyCollection

from innovate_sim import reporting
from innovate_sim.reporting import (
    NothingToPlotError,
    mean_ci,
    plot_availability_distribution,
    plot_cost_growth,
    plot_downtime_by_cause,
    plot_frontier,
    plot_incident_timeline,
    plot_monthly_cost,
    plot_paired_differences,
    plot_static_bill,
    plot_timeline,
)
from innovate_sim.reporting.style import cause_colour, colour_for, service_colour

REPLICATIONS = 4
MONTHS = 3
SERVICES = ("EC2", "RDS", "VPC")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --- synthetic results following the results contract -------------------------------------


def availability_frame(replications: int = REPLICATIONS) -> pd.DataFrame:
    rows = []
    for r in range(replications):
        for env, base in (("prod", 0.9995), ("dev", 0.995)):
            demand = 1_000_000
            served = int(demand * (base + 0.0001 * (r % 3)))
            rows.append(
                {
                    "replication": r,
                    "environment": env,
                    "horizon_h": 4380.0,
                    "demand_requests": demand,
                    "served_requests": served,
                    "lost_requests": demand - served,
                    "request_availability": served / demand,
                    "time_availability": served / demand,
                    "full_outage_min": 10.0,
                    "degraded_min": 20.0,
                    "below_threshold_min": 15.0,
                    "incidents": 2,
                }
            )
    return pd.DataFrame(rows)


def incidents_frame() -> pd.DataFrame:
    # prod: az-outage in replications 0 and 2; nat-failure in 0; rds-failover in 1 (twice).
    rows = [
        (0, "prod", "az-outage", 100.0, 103.0),
        (0, "prod", "nat-failure", 500.0, 500.5),
        (1, "prod", "rds-failover", 20.0, 20.05),
        (1, "prod", "rds-failover", 900.0, 900.05),
        (2, "prod", "az-outage", 3000.0, 3004.0),
        (0, "dev", "spot-interruption", 50.0, 50.1),
    ]
    return pd.DataFrame(
        [
            {
                "replication": r,
                "environment": env,
                "incident": i,
                "cause": cause,
                "causes": cause,
                "start_h": start,
                "end_h": end,
                "duration_min": (end - start) * 60.0,
                "lost_requests": 1000,
                "min_success_fraction": 0.5,
                "rpo_min": 0.0,
            }
            for i, (r, env, cause, start, end) in enumerate(rows)
        ]
    )


def costs_frame(replications: int = REPLICATIONS) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    rows = []
    for r in range(replications):
        for month in range(1, MONTHS + 1):
            for service, base in zip(SERVICES, (1000.0, 600.0, 100.0), strict=True):
                rows.append(
                    {
                        "replication": r,
                        "month": month,
                        "account": "prod",
                        "environment": "prod",
                        "service": service,
                        "resource": f"{service.lower()}-1",
                        "component": f"{service} hours",
                        "quantity": 730.0,
                        "unit": "hours",
                        "usd": base * (1.05 ** (month - 1)) + rng.normal(0, 20),
                    }
                )
    return pd.DataFrame(rows)


def timeline_frame() -> pd.DataFrame:
    t = np.arange(0.0, 48.0, 0.5)
    demand = 1000 + 800 * np.sin((t - 6) / 24 * 2 * np.pi)
    capacity = np.maximum(demand * 1.2, 600)
    capacity[20:24] = demand[20:24] * 0.5  # a shortfall
    replicas = np.ceil(capacity / 150)
    return pd.DataFrame(
        {
            "t_h": t,
            "environment": "prod",
            "demand_rps": demand,
            "capacity_rps": capacity,
            "success_fraction": np.minimum(1.0, capacity / demand),
            "ready_replicas": replicas,
            "pending_pods": np.where(np.arange(t.size) % 10 == 0, 2, 0),
            "nodes": np.ceil(replicas / 4),
            "nodes_spot": 0,
            "nodes_on_demand": np.ceil(replicas / 4),
            "cost_rate_usd_per_h": np.ceil(replicas / 4) * 0.154,
        }
    )


def sweep_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "variant": ["single NAT", "NAT per AZ", "single-AZ RDS", "both"],
            "nat": ["single", "per_az", "single", "per_az"],
            "monthly_cost_usd": [3000.0, 3070.0, 2700.0, 3100.0],
            "monthly_cost_ci_low": [2950.0, 3010.0, 2650.0, 3050.0],
            "monthly_cost_ci_high": [3050.0, 3130.0, 2750.0, 3150.0],
            "request_availability": [0.9991, 0.9996, 0.9980, 0.9990],
            "request_availability_ci_low": [0.9989, 0.9995, 0.9975, 0.9988],
            "request_availability_ci_high": [0.9993, 0.9997, 0.9985, 0.9992],
            "pareto": [True, True, True, False],
        }
    )


def bill_frame() -> pd.DataFrame:
    lines = [
        ("prod", "EC2", 420.0),
        ("prod", "RDS", 300.0),
        ("prod", "VPC", 98.6),
        ("dev", "EC2", 120.0),
        ("shared-services", "ECR", 5.0),
    ]
    return pd.DataFrame(
        [
            {
                "account": account,
                "environment": account,
                "service": service,
                "resource": f"{service}-x",
                "component": f"{service} line",
                "quantity": 1.0,
                "unit": "month",
                "unit_price_usd": usd,
                "monthly_usd": usd,
            }
            for account, service, usd in lines
        ]
    )


def diff_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "metric": ["monthly cost", "request availability", "full outage"],
            "mean_difference": [70.0, 0.0004, -3.0],
            "ci_low": [60.0, -0.0001, -5.0],
            "ci_high": [80.0, 0.0009, -1.0],
            "unit": ["USD/month", "fraction", "min/yr"],
        }
    )


# --- every plot: the Display contract -------------------------------------------------------


CASES = [
    ("availability", lambda ax: plot_availability_distribution(availability_frame(), ax=ax)),
    ("downtime", lambda ax: plot_downtime_by_cause(incidents_frame(), ax=ax)),
    ("incidents", lambda ax: plot_incident_timeline(incidents_frame(), ax=ax)),
    ("monthly", lambda ax: plot_monthly_cost(costs_frame(), ax=ax)),
    ("growth", lambda ax: plot_cost_growth(costs_frame(), ax=ax)),
    ("timeline", lambda ax: plot_timeline(timeline_frame(), ax=ax)),
    ("frontier", lambda ax: plot_frontier(sweep_frame(), ax=ax)),
    ("bill", lambda ax: plot_static_bill(bill_frame(), ax=ax)),
    ("differences", lambda ax: plot_paired_differences(diff_frame(), ax=ax)),
]


@pytest.mark.parametrize("draw", [case[1] for case in CASES], ids=[case[0] for case in CASES])
def test_returns_labelled_axes(draw):
    ax = draw(None)
    assert isinstance(ax, Axes)
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    ax.figure.canvas.draw()  # rendering must not fail either


@pytest.mark.parametrize("draw", [case[1] for case in CASES], ids=[case[0] for case in CASES])
def test_draws_on_supplied_axes(draw):
    _fig, ax = plt.subplots()
    assert draw(ax) is ax


EMPTY = [
    ("availability", plot_availability_distribution, availability_frame),
    ("downtime", plot_downtime_by_cause, incidents_frame),
    ("incidents", plot_incident_timeline, incidents_frame),
    ("monthly", plot_monthly_cost, costs_frame),
    ("growth", plot_cost_growth, costs_frame),
    ("timeline", plot_timeline, timeline_frame),
    ("frontier", plot_frontier, sweep_frame),
    ("bill", plot_static_bill, bill_frame),
    ("differences", plot_paired_differences, diff_frame),
]


@pytest.mark.parametrize(("plot", "make"), [c[1:] for c in EMPTY], ids=[c[0] for c in EMPTY])
def test_empty_input_raises_value_error(plot, make):
    empty = make().iloc[0:0]
    with pytest.raises(NothingToPlotError, match="empty"):
        plot(empty)
    assert not plt.get_fignums()  # failed before creating a figure


def test_missing_column_is_named():
    with pytest.raises(ValueError, match="request_availability"):
        plot_availability_distribution(availability_frame().drop(columns="request_availability"))


def test_accepts_result_objects():
    class Result:
        availability = availability_frame()
        incidents = incidents_frame()
        costs = costs_frame()

        def timeline(self, replication: int = 0) -> pd.DataFrame:
            return timeline_frame()

    class Estimate:
        def to_frame(self) -> pd.DataFrame:
            return bill_frame()

    result = Result()
    assert isinstance(plot_availability_distribution(result), Axes)
    assert isinstance(plot_downtime_by_cause(result, availability=result), Axes)
    assert isinstance(plot_monthly_cost(result), Axes)
    assert isinstance(plot_timeline(result), Axes)
    assert isinstance(plot_static_bill(Estimate()), Axes)
    with pytest.raises(TypeError, match="availability"):
        plot_availability_distribution([0.999])


# --- artists for known input ----------------------------------------------------------------


def test_availability_histogram_bins_target_and_ci():
    ax = plot_availability_distribution(
        availability_frame(), environment="prod", target="99.95%", bins=5
    )
    assert len(ax.patches) == 5 + 1  # 5 bars + the CI band
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert any(label.startswith("target 99.95%") for label in labels)
    assert any("CI of mean" in label for label in labels)


def test_availability_single_replication_says_ci_undefined():
    ax = plot_availability_distribution(availability_frame(1), environment="prod")
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert any("not defined" in label for label in labels)


def test_downtime_one_bar_per_cause_with_known_means():
    availability = availability_frame()  # 4 replications of 4,380 h (half a year)
    ax = plot_downtime_by_cause(incidents_frame(), availability, environment="prod")
    bars = ax.patches
    assert len(bars) == 3  # az-outage, nat-failure, rds-failover
    labels = [tick.get_text() for tick in ax.get_yticklabels()]
    widths = dict(zip(labels, [bar.get_width() for bar in bars], strict=True))
    # az-outage: 180 + 240 min over 4 replications, doubled to a year.
    assert widths["az-outage"] == pytest.approx((180 + 240) / 4 * 2)
    assert widths["rds-failover"] == pytest.approx(6 / 4 * 2)
    assert labels[-1] == "az-outage"  # largest on top
    assert bars[-1].get_facecolor()[:3] == pytest.approx(
        matplotlib.colors.to_rgb(cause_colour("az-outage"))
    )


def test_downtime_without_availability_assumes_a_year_and_counts_replications():
    ax = plot_downtime_by_cause(incidents_frame())  # both environments: 4 bars
    assert len(ax.patches) == 4
    labels = [tick.get_text() for tick in ax.get_yticklabels()]
    assert "az-outage (prod)" in labels
    widths = dict(zip(labels, [bar.get_width() for bar in ax.patches], strict=True))
    assert widths["az-outage (prod)"] == pytest.approx((180 + 240) / 3)  # replications 0..2


def test_incident_timeline_one_row_per_cause():
    ax = plot_incident_timeline(incidents_frame(), replication=0, environment="prod")
    bars = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bars) == 2
    assert [t.get_text() for t in ax.get_yticklabels()] == ["az-outage", "nat-failure"]
    with pytest.raises(ValueError, match="replication 7 has no incidents"):
        plot_incident_timeline(incidents_frame(), replication=7)


def test_monthly_cost_stacks_months_times_services():
    ax = plot_monthly_cost(costs_frame())
    assert len(ax.patches) == MONTHS * len(SERVICES)
    colours = {tuple(p.get_facecolor()[:3]) for p in ax.patches}
    assert colours == {matplotlib.colors.to_rgb(service_colour(s)) for s in SERVICES}
    tops = {}
    for patch in ax.patches:
        x = round(patch.get_x() + patch.get_width() / 2)
        tops[x] = max(tops.get(x, 0.0), patch.get_y() + patch.get_height())
    expected = costs_frame().groupby(["month", "replication"])["usd"].sum().groupby("month").mean()
    assert [tops[m] for m in expected.index] == pytest.approx(expected.to_list())


def test_monthly_cost_by_account_and_single_replication():
    ax = plot_monthly_cost(costs_frame(1), by="account")
    assert len(ax.patches) == MONTHS  # one account
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert any("not defined" in label for label in labels)
    with pytest.raises(ValueError, match="by must be one of"):
        plot_monthly_cost(costs_frame(), by="colour")


def test_cost_growth_bands():
    ax = plot_cost_growth(costs_frame())
    assert len([c for c in ax.collections if isinstance(c, PolyCollection)]) == 2
    single = plot_cost_growth(costs_frame(1))
    assert not [c for c in single.collections if isinstance(c, PolyCollection)]


def test_timeline_twin_axis_and_window():
    ax = plot_timeline(timeline_frame(), start_h=6, hours=12)
    assert ax.get_xlim() == (6.0, 18.0)
    twins = [other for other in ax.figure.axes if other is not ax]
    assert len(twins) == 1
    assert twins[0].get_ylabel()
    labels = twins[0].get_legend_handles_labels()[1]
    assert {"nodes", "ready replicas", "pending pods"} <= set(labels)
    with pytest.raises(ValueError, match="no rows between"):
        plot_timeline(timeline_frame(), start_h=100)


def test_frontier_marks_pareto_points():
    ax = plot_frontier(sweep_frame())
    scatters = {c.get_label(): c for c in ax.collections if isinstance(c, PathCollection)}
    assert len(scatters["Pareto-optimal variant"].get_offsets()) == 3
    assert len(scatters["dominated variant"].get_offsets()) == 1
    assert len(ax.texts) == 4  # one label per variant


def test_static_bill_bars_by_service_and_account():
    ax = plot_static_bill(bill_frame())
    assert len(ax.patches) == 4  # EC2, RDS, VPC, ECR
    assert ax.get_yticklabels()[-1].get_text() == "EC2"  # largest on top
    assert ax.patches[-1].get_width() == pytest.approx(540.0)
    assert len(plot_static_bill(bill_frame(), by="account").patches) == 3


def test_paired_differences_one_dot_per_metric():
    ax = plot_paired_differences(diff_frame())
    dots = [c for c in ax.collections if c.get_label() == "mean difference"]
    assert len(dots) == 1 and len(dots[0].get_offsets()) == 3
    assert "2 of 3" in ax.get_title()  # availability's interval straddles 0


# --- helpers --------------------------------------------------------------------------------


def test_mean_ci_matches_student_t():
    mean, low, high = mean_ci([1.0, 2.0, 3.0, 4.0])
    assert mean == 2.5
    assert high - mean == pytest.approx(3.182446305 * math.sqrt(5 / 3) / 2)
    assert mean - low == pytest.approx(high - mean)
    single = mean_ci([7.0])
    assert single[0] == 7.0 and math.isnan(single[1]) and math.isnan(single[2])
    with pytest.raises(ValueError):
        mean_ci([])


def test_colours_are_stable_and_consistent():
    assert service_colour("RDS") == service_colour("RDS-PostgreSQL") == service_colour("rds")
    assert cause_colour("az-outage") == cause_colour("AZ outage")
    assert colour_for("cause", "brand-new-cause") == colour_for("cause", "brand-new-cause")
    assert colour_for("service", "EC2") == service_colour("EC2")


def test_all_is_honest():
    for name in reporting.__all__:
        assert hasattr(reporting, name)
