"""Run replications and sweep variants on a Dask cluster (the optional ``dask`` extra).

A Dask ``Client.get_executor()`` is a ``concurrent.futures.Executor``, so
:func:`innovate_sim.simulate`, :func:`innovate_sim.compare` and
:func:`innovate_sim.sweep` use it unchanged. Results are identical to a serial
run: each replication's random streams depend only on the seed, the
replication number and the process name, never on where it ran.

``distributed`` is imported only here, and only when asked for.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from typing import Any

from innovate_sim.errors import InnovateSimError

__all__ = ["dask_executor", "dask_session", "shipped"]

INSTALL_HINT = "pip install 'innovate_sim[dask]'"


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise InnovateSimError(
            f"running on Dask needs the optional 'dask' extra ({exc}); install it with: "
            f"{INSTALL_HINT}"
        ) from None
    return distributed


def dask_executor(address: str | None = None, **local_cluster: Any) -> tuple[Any, Executor]:
    """Connect to a Dask scheduler and return ``(client, client.get_executor())``.

    Args:
        address: the scheduler, e.g. ``"tcp://10.0.0.5:8786"``. ``None`` or
            ``"local"`` starts a local cluster of worker processes on loopback
            (closed with the client).
        **local_cluster: options of ``distributed.LocalCluster`` when starting
            one (e.g. ``n_workers=2``).

    Returns:
        The ``distributed.Client`` (close it when done) and its executor.

    Raises:
        InnovateSimError: ``distributed`` is not installed, or the scheduler
            cannot be reached.
    """
    distributed = _distributed()
    try:
        if address in (None, "", "local"):
            options = {
                "processes": True,
                "host": "127.0.0.1",
                "dashboard_address": None,
                **local_cluster,
            }
            client = distributed.Client(set_as_default=False, **options)
        else:
            client = distributed.Client(address, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise InnovateSimError(
            f"cannot connect to the Dask scheduler at {address}: {exc}"
        ) from None
    return client, client.get_executor()


@contextmanager
def dask_session(address: str | None = None, **local_cluster: Any) -> Iterator[Executor]:
    """``with dask_session(address) as executor:`` — :func:`dask_executor`, closed on exit."""
    client, executor = dask_executor(address, **local_cluster)
    try:
        yield executor
    finally:
        client.close()


def _client_of(executor: Executor) -> Any | None:
    """The ``distributed.Client`` behind a Dask ``ClientExecutor``, else None."""
    client = getattr(executor, "_client", None)
    return client if type(executor).__module__.startswith("distributed") else None


def shipped(executor: Executor, payload: Any) -> Any:
    """``payload`` as tasks on ``executor`` should receive it.

    On Dask the payload (a scenario) is scattered to every worker once and
    tasks receive a reference to it, instead of each carrying a pickled copy.
    Any other executor gets the payload itself.
    """
    client = _client_of(executor)
    if client is None:
        return payload
    return client.scatter(payload, broadcast=True, hash=False)
