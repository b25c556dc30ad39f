"""Verification fanned out on a Ray cluster: each Ray worker runs its own `Verifier` (its own
sandboxed hsx-helper), and Ray's `ActorPool` hands them the items.

Consumes a config whose `ray` key names the cluster ("auto", or "host:port") and a stream of
items with a function of (verifier, item); produces the function's results in the order of the
items, so a caller that appends them to its JSONL log resumes exactly as with the local pool
(`Verifier.verify_many`, hsx.verify.batch, self-play's referee, dataset validation):

    hsx verify --batch pairs.jsonl --out results.jsonl --ray auto

Nothing here schedules, queues or sends anything itself: Ray starts the workers, ships the
function and the items (cloudpickle) and balances the load (`ray.util.ActorPool.map`).  The
workers need hsx, its Python dependencies and the toolchain at the same paths as the driver (the
config, its toolchain paths resolved, travels to them): on a cluster, a shared file system
and the same virtual environment.  Starting a cluster on a SLURM allocation is Ray's own recipe,
docs/PLAN.md ("Ray on SLURM").  Install with `pip install '.[ray]'`.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Iterable, Iterator, TypeVar

from hsx.config import HsxConfig, config_from_dict, to_dict

T = TypeVar("T")
R = TypeVar("R")

# Items each worker holds at once: one running and one waiting, so the pool stays busy without
# shipping the whole batch to the cluster up front.
IN_FLIGHT_PER_WORKER = 2


class RayMissing(ImportError):
    pass


def _ray():
    try:
        import ray
    except ImportError as e:
        raise RayMissing("verifying on a Ray cluster needs Ray: pip install '.[ray]' (or leave `ray` "
                         "empty / drop --ray for the local pool)") from e
    return ray


def connect(address: str) -> None:
    """Joins the cluster at `address` ("auto": the one this machine belongs to), unless this
    process already belongs to one (a test's local instance, or a driver started by Ray)."""
    ray = _ray()
    if not ray.is_initialized():
        ray.init(address=address, log_to_driver=False)


def _worker_class():
    ray = _ray()

    @ray.remote(num_cpus=1)
    class VerifyWorker:
        """One Verifier (one sandboxed helper) for the life of the worker."""

        def __init__(self, config: dict):
            from hsx.verify.pipeline import Verifier
            self.verifier = Verifier(config_from_dict(config))

        def run(self, fn, item):
            return fn(self.verifier, item)

        def close(self) -> None:
            self.verifier.close()

    return VerifyWorker


def worker_count(jobs: int) -> int:
    """`jobs` workers, or one per CPU of the cluster when `jobs` is 0."""
    if jobs > 0:
        return jobs
    return max(1, int(_ray().cluster_resources().get("CPU", 1)))


def map_on_cluster(config: HsxConfig, fn: Callable[[object, T], R], items: Iterable[T]) -> Iterator[R]:
    """fn(verifier, item) for every item on the cluster's workers; results in item order.

    `fn` must be picklable (a module-level function, or a closure over picklable values): it
    runs in another process, with that worker's Verifier."""
    ray = _ray()
    from ray.util import ActorPool

    connect(config.ray)
    local = dataclasses.replace(config, ray="")  # the workers verify with their own local helper
    workers = [_worker_class().remote(to_dict(local)) for _ in range(worker_count(config.jobs))]
    pool = ActorPool(workers)
    window = IN_FLIGHT_PER_WORKER * len(workers)
    submitted = 0
    try:
        for item in items:
            pool.submit(lambda w, x: w.run.remote(fn, x), item)
            submitted += 1
            if submitted >= window:  # a long stream is not shipped all at once
                yield pool.get_next()  # the oldest item's result: item order
                submitted -= 1
        while pool.has_next():
            yield pool.get_next()
    finally:
        ray.get([w.close.remote() for w in workers])
        for w in workers:
            ray.kill(w)


def _verify(verifier, request):
    return verifier.verify(request)


def verify_on_cluster(config: HsxConfig, requests: Iterable) -> Iterator:
    """`Verifier.verify_many` on the cluster: the same Result for each request, in request order."""
    return map_on_cluster(config, _verify, requests)
