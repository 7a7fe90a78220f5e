"""Where a batch's items run: a local process pool (the default, one worker per core) or a Ray cluster.

Items travel in groups (`group_size`); a group's results come back as the group finishes, in whatever order
the workers finish, and at most a few groups per worker are in flight at once, so that the driver holds
only those results while it writes them (its memory does not grow with the batch). The order of
completion changes nothing in the files: each item's bytes depend only on its spec, variation and seed.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from .items import BatchError, BatchItem, Settings
from .work import ItemResult, run_group

ENGINES = ("local", "ray")
IN_FLIGHT_PER_WORKER = 2          # groups sent ahead to each worker
MAX_GROUP = 8                     # items per task, at most


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def group_size(items: int, workers: int) -> int:
    """Items per task: enough to make a task worth sending, few enough that every worker gets several."""
    return max(1, min(MAX_GROUP, items // (workers * 4)))


def groups_of(items: list[BatchItem], size: int) -> list[list[BatchItem]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def run_groups(groups: list[list[BatchItem]], settings: Settings, engine: str = "local", workers: int | None = None,
               address: str | None = None) -> Iterator[list[ItemResult]]:
    """Each group's results, as groups finish."""
    check_engine(engine, workers, address)
    if engine == "ray":
        return _ray(groups, settings, workers, address)
    return _local(groups, settings, workers or default_workers())


def check_engine(engine: str, workers: int | None, address: str | None) -> None:
    """BatchError for an engine, a worker count or an address that cannot run (before anything is written)."""
    if engine not in ENGINES:
        raise BatchError(f"--engine: unknown engine {engine!r} (accepted: {', '.join(ENGINES)})")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise BatchError(f"--workers must be a whole number from 1, received {workers!r}")
    if address is not None and engine != "ray":
        raise BatchError("--address names a Ray cluster: give it with --engine ray")


def _local(groups, settings: Settings, workers: int) -> Iterator[list[ItemResult]]:
    if workers == 1:                       # no pool: the driver composes each group itself
        for group in groups:
            yield run_group(group, settings)
        return
    # deferred: the process pool (multiprocessing) costs 10 ms to import, and only a batch of 2 workers or more needs it
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from _bounded((pool.submit(run_group, g, settings) for g in groups), workers * IN_FLIGHT_PER_WORKER,
                            lambda pending: wait(pending, return_when=FIRST_COMPLETED), lambda f: f.result())


def _bounded(tasks: Iterable, limit: int, wait_some, result) -> Iterator:
    """Results of `tasks` (futures or object refs, made as they are drawn) as they finish, with at most
    `limit` in flight; `wait_some(pending)` -> (done, pending)."""
    tasks = iter(tasks)
    pending = set()
    for task in tasks:
        pending.add(task)
        if len(pending) >= limit:
            break
    while pending:
        done, pending = wait_some(pending)
        for task in done:
            yield result(task)
            nxt = next(tasks, None)
            if nxt is not None:
                pending.add(nxt)


def _ray(groups, settings: Settings, workers: int | None, address: str | None) -> Iterator[list[ItemResult]]:
    try:
        import ray  # deferred: Ray takes seconds to import and start, and only this engine needs it
    except ImportError:
        raise BatchError('the ray engine needs Ray: pip install "partita[ray]"') from None
    started = not ray.is_initialized()
    if started:
        options = {"include_dashboard": False, "log_to_driver": False, "configure_logging": False}
        try:
            if address:
                ray.init(address=address, **options)
            else:
                ray.init(num_cpus=workers or default_workers(), **options)
        except Exception as exc:  # noqa: BLE001 - Ray raises ConnectionError, RuntimeError, ValueError ...
            where = f"join the Ray cluster at {address}" if address else "start a local Ray instance"
            raise BatchError(f"--engine ray: cannot {where} ({' '.join(str(exc).split())[:300]})") from None
    try:
        remote = ray.remote(run_group)
        slots = int(ray.cluster_resources().get("CPU", 1))

        def wait_some(pending):
            done, rest = ray.wait(list(pending), num_returns=1)
            return done, set(rest)

        yield from _bounded((remote.remote(g, settings) for g in groups), max(1, slots) * IN_FLIGHT_PER_WORKER,
                            wait_some, ray.get)
    finally:
        if started:
            ray.shutdown()
