"""The model side of the package (everything below experiments) imports without cycles."""

from __future__ import annotations

from _imports import file_cycles, module_graph, package_cycles, package_of

#: The layers above the model side: experiments, judging, reporting and entry points.
_ABOVE_MODEL = {"experiments", "targets", "reporting", "cli", "__init__", "__main__"}


def _model_side() -> dict[str, set[str]]:
    graph = module_graph()
    return {
        module: {t for t in targets if package_of(t) not in _ABOVE_MODEL}
        for module, targets in graph.items()
        if package_of(module) not in _ABOVE_MODEL
    }


def test_model_side_has_no_package_cycles() -> None:
    assert package_cycles(_model_side()) == []


def test_model_side_has_no_file_cycles() -> None:
    assert file_cycles(_model_side()) == []


def test_the_cycle_finder_sees_a_planted_cycle() -> None:
    graph = _model_side()
    graph["innovate_sim.workload.demand"] = {"innovate_sim.aws.cluster"}
    graph["innovate_sim.aws.cluster"] = {"innovate_sim.workload.demand"}
    assert ("aws", "workload") in package_cycles(graph)
    assert {"innovate_sim.workload.demand", "innovate_sim.aws.cluster"} in file_cycles(graph)
