"""The Dask engine: the same per-file work as the local pool, on a dask.distributed cluster.

Workers read the inputs and clean them; this process writes every output and the state, exactly
as with the local engine, so the results are byte-identical. On a real cluster the workers must
see INPUT at the same path (a shared filesystem). `--timeout` and `--max-memory` hold inside each
task (corpus.process_guarded, io.guards): Dask cannot stop a running task, the task stops itself.
"""

from __future__ import annotations

from collections.abc import Iterator

from cleaner.batch.engines.base import DASK_FAILED, TASKS_PER_WORKER, Cleaned, Stop
from cleaner.batch.engines.task import clean_and_fingerprint, failed_input
from cleaner.batch.settings import Settings
from cleaner.io.discover import Input
from cleaner.rules.ruleset import RuleSet


def clean_all(
    todo: list[Input], settings: Settings, ruleset: RuleSet, stop: Stop, lock_fd: int | None
) -> Iterator[tuple[Input, list[Cleaned]]]:
    """Clean inputs on the cluster, a bounded number in flight; yield them as they finish (no worker
    forks from this process, so the lock needs nothing)."""
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if settings.scheduler is None:
        cluster = LocalCluster(n_workers=settings.workers, threads_per_worker=1, processes=True, dashboard_address=":0")
    client = Client(settings.scheduler or cluster)
    try:
        shared = client.scatter((settings, ruleset), broadcast=True)
        queue = iter(todo)
        running: dict = {}
        pending = as_completed()

        def submit_next() -> None:
            """Queue the next input on the cluster, if any is left."""
            item = next(queue, None)
            if item is not None:
                future = client.submit(_remote, item, shared, key=f"clean-{item.id}-{id(item)}", pure=False)
                running[future] = item
                pending.add(future)

        for _ in range(max(1, len(client.scheduler_info()["workers"])) * TASKS_PER_WORKER):
            submit_next()
        for future in pending:
            item = running.pop(future)
            yield item, _result(future, item)
            if stop.requested:
                client.cancel(list(running))
                break
            submit_next()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _remote(item: Input, shared: tuple[Settings, RuleSet]) -> list[Cleaned]:
    """The task run on a Dask worker."""
    return clean_and_fingerprint(item, *shared)


def _result(future, item: Input) -> list[Cleaned]:
    """A finished task's result; an error on the worker becomes a failed document."""
    try:
        return future.result()
    except Exception as exc:  # the worker's exception, re-raised here by distributed
        return failed_input(item, f"{DASK_FAILED}: {type(exc).__name__}: {exc}")
