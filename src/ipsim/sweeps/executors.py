"""Where the runs of a sweep execute: every option is a ``concurrent.futures.Executor``.

- ``serial``: in this process, one run after another (for debugging and profiling);
- ``processes`` (the default): local processes, all cores, no set-up;
- ``dask``: a Dask ``LocalCluster`` started here (processes, one thread each);
- ``tcp://host:8786`` (any scheduler address): an existing Dask cluster.

Dask is an optional extra (``pip install 'ipsim[dask]'``). Dask's workers set
``MALLOC_TRIM_THRESHOLD_=65536`` by default, which makes numpy-heavy runs 1.7 to 1.8
times slower; the clusters ipsim starts unset it. Users who start their own workers
should unset it too (``distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_:
null`` in their Dask configuration).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from typing import Any

from ipsim.errors import IpsimError
from ipsim.runner import default_workers, local_executor

MALLOC_KEY = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"
EXECUTORS = ("serial", "processes", "dask")


class SerialExecutor(Executor):
    """Runs each task in this process when it is submitted."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        """Run ``fn(*args, **kwargs)`` now; return a finished future."""
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as err:  # the caller sees it through future.result()
            future.set_exception(err)
        return future


def is_address(text: str) -> bool:
    """Whether ``text`` looks like a Dask scheduler address."""
    return "://" in text or (":" in text and text.rsplit(":", 1)[-1].isdigit())


def _dask() -> Any:
    try:
        import dask
        import distributed
    except ImportError:
        raise IpsimError("Dask is not installed: pip install 'ipsim[dask]'") from None
    return dask, distributed


@contextlib.contextmanager
def dask_local_executor(workers: int | None = None) -> Iterator[Executor]:
    """A Dask ``LocalCluster`` (processes, one thread each) as an executor.

    Args:
        workers: Worker processes (default: all cores).
    """
    dask, distributed = _dask()
    n = workers or default_workers()
    with dask.config.set({MALLOC_KEY: None}):
        cluster = distributed.LocalCluster(
            n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None
        )
    try:
        with distributed.Client(cluster) as client:
            yield client.get_executor()
    finally:
        cluster.close()


@contextlib.contextmanager
def dask_remote_executor(address: str) -> Iterator[Executor]:
    """The executor of an existing Dask scheduler.

    Args:
        address: The scheduler's address, e.g. ``tcp://10.0.0.5:8786``.
    """
    _, distributed = _dask()
    try:
        client = distributed.Client(address, timeout="20s")
    except (OSError, TimeoutError) as err:
        raise IpsimError(f"cannot reach the Dask scheduler at {address}: {err}") from None
    try:
        yield client.get_executor()
    finally:
        client.close()


@contextlib.contextmanager
def open_executor(
    executor: Executor | str | None = None, workers: int | None = None
) -> Iterator[Executor]:
    """The executor to run a sweep on; executors made here are shut down on exit.

    Args:
        executor: An executor (used as it is, never shut down here), ``"serial"``,
            ``"processes"`` (default), ``"dask"`` (a local cluster), or the address of
            a Dask scheduler.
        workers: Processes for ``processes`` and ``dask`` (default: all cores).

    Raises:
        IpsimError: For an unknown executor name.
    """
    if isinstance(executor, Executor):
        yield executor
        return
    kind = executor or "processes"
    if kind == "serial":
        yield SerialExecutor()
    elif kind == "processes":
        pool = local_executor(workers, preload=("ipsim.sweeps.core",))
        try:
            yield pool
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    elif kind == "dask":
        with dask_local_executor(workers) as pool:
            yield pool
    elif is_address(kind):
        with dask_remote_executor(kind) as pool:
            yield pool
    else:
        raise IpsimError(
            f"unknown executor '{kind}'; use {', '.join(EXECUTORS)} or the "
            "address of a Dask scheduler (tcp://host:8786)"
        )


def executor_workers(executor: Executor | str | None, workers: int | None) -> int:
    """How many runs can usefully be in flight at once (to bound memory)."""
    if isinstance(executor, str) and executor == "serial":
        return 1
    if isinstance(executor, Executor) or (isinstance(executor, str) and is_address(executor)):
        return max(workers or 0, 64)
    return workers or default_workers()
