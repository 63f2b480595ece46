"""Where independent fits run: in this process (default), on local cores, or on a Dask cluster.

`compare` (one fit per fusion method) and `cross_validate` (one fit per fold)
hand their fits to `run_tasks`, which uses joblib. The backend is a setting,
so a department can point mmdemo at a cluster for large custom datasets
without touching code:

- ``MMDEMO_BACKEND``: ``sequential`` (default: a shared 2-core classroom
  server gains nothing from parallel fits inside one request), ``loky``
  (local processes) or ``dask`` (a Dask distributed cluster);
- ``MMDEMO_DASK_SCHEDULER``: the scheduler's address, e.g.
  ``tcp://10.0.0.5:8786`` (required for ``dask``);
- ``MMDEMO_N_JOBS``: how many fits at once for ``loky`` (default: all cores).

The same names are accepted by ``backend=`` in Python and ``--backend`` in
the command line. Dask needs ``pip install "dask[distributed]"``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from joblib import Parallel, delayed, parallel_config

from mmdemo.errors import Message, ParameterError
from mmdemo.registry import Registry

__all__ = ["BACKENDS", "backend_setting", "run_tasks"]


def backend_setting(backend: str | None = None) -> str:
    """The backend to use: ``backend`` if given, else ``MMDEMO_BACKEND``, else ``"sequential"``.

    Examples
    --------
    >>> backend_setting("loky")
    'loky'
    """
    name = (backend or os.environ.get("MMDEMO_BACKEND") or "sequential").strip().lower()
    return BACKENDS.check(name)


def _dask_client():
    address = os.environ.get("MMDEMO_DASK_SCHEDULER", "").strip()
    if not address:
        raise ParameterError(
            "parallel.no_scheduler", "The dask backend needs MMDEMO_DASK_SCHEDULER, e.g. tcp://10.0.0.5:8786."
        )
    try:
        from distributed import Client
    except ImportError as exc:
        raise ParameterError(
            "parallel.no_dask", 'The dask backend needs Dask: pip install "dask[distributed]".'
        ) from exc
    try:
        return Client(address, timeout="10s", set_as_default=False)
    except OSError as exc:
        raise ParameterError(
            "parallel.unreachable",
            "Cannot reach the Dask scheduler at {address}: {error}",
            address=address,
            error=str(exc),
        ) from exc


def _sequential(fn: Callable[..., Any], tasks: Sequence[tuple]) -> Iterator[Any]:
    for task in tasks:
        yield fn(*task)


def _loky(fn: Callable[..., Any], tasks: Sequence[tuple]) -> Iterator[Any]:
    with parallel_config(backend="loky", n_jobs=int(os.environ.get("MMDEMO_N_JOBS") or -1)):
        yield from Parallel(return_as="generator")(delayed(fn)(*task) for task in tasks)


def _dask(fn: Callable[..., Any], tasks: Sequence[tuple]) -> Iterator[Any]:
    client = _dask_client()
    try:
        with parallel_config(backend="dask", n_jobs=-1, client=client):
            yield from Parallel(return_as="generator")(delayed(fn)(*task) for task in tasks)
    finally:
        client.close()


#: Backend name -> what it means (``MMDEMO_BACKEND``); ``make(fn, tasks)`` yields ``fn(*task)`` in order.
BACKENDS = Registry("names.backend", Message("registry.what.backend", "backend (MMDEMO_BACKEND)"))
BACKENDS.add("sequential", "one fit after another, in this process", make=_sequential)
BACKENDS.add("loky", "local worker processes (MMDEMO_N_JOBS at once)", make=_loky)
BACKENDS.add("dask", "a Dask distributed cluster at MMDEMO_DASK_SCHEDULER", make=_dask)


def run_tasks(fn: Callable[..., Any], tasks: Sequence[tuple], *, backend: str | None = None) -> Iterator[Any]:
    """``fn(*task)`` for every task, in order, on the chosen backend; results are yielded as they come.

    Examples
    --------
    >>> list(run_tasks(pow, [(2, 3), (3, 2)]))
    [8, 9]
    """
    name = backend_setting(backend)
    return BACKENDS.make("sequential" if len(tasks) < 2 else name, fn, tasks)
