"""Pure work spread over the machine's cores: reading pages, numbering equations, rendering chapters.

At the blog's size the builder's time is Python work on independent items
(a page file, a chapter); the stages stay pure functions of their input and
this module only changes how long they take.  Workers are forked, so they
start with the caller's data already in memory: the task is a closure over
that data, and only item numbers go to the workers and results come back.
Results keep the items' order, so nothing downstream (problem order, page
order) depends on how the work was split.
"""

from __future__ import annotations

import concurrent.futures
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar, cast

T = TypeVar("T")

MAX_WORKERS = 4  # beyond this the copies of the book in the workers cost more memory than the time saved

_TASK: list[Callable[[int], object]] = []  # the running map's task, for the forked workers to find


def _call(i: int) -> object:
    return _TASK[0](i)


def workers() -> int:
    """The cores this process may run on (a container's limit, not the host's count)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


def fork_map(task: Callable[[int], T], count: int, *, parallel_from: int) -> list[T]:
    """``[task(0), …, task(count - 1)]``, in forked worker processes when there are ``parallel_from`` items or more.

    ``task`` must be pure (its effects in a worker are lost; only the build cache's files it writes
    stay, see :mod:`builder.cache`) and its results picklable.  With one
    core, fewer items, no ``fork`` on this system, or inside another map's worker, it runs here.
    """
    cores = workers()
    if count < parallel_from or cores < 2 or _TASK:
        return [task(i) for i in range(count)]
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:
        return [task(i) for i in range(count)]
    _TASK.append(task)
    # Frozen objects are never visited by a worker's cycle collector, which would otherwise write to (and so
    # copy) every page of the book the worker inherited.
    gc.freeze()
    try:
        # Small chunks: items differ in size by a hundredfold (an excerpt, a 40,000-character article).
        with concurrent.futures.ProcessPoolExecutor(cores, mp_context=context) as pool:
            return cast(list[T], list(pool.map(_call, range(count), chunksize=max(1, count // (cores * 16)))))
    finally:
        gc.unfreeze()
        _TASK.clear()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a run builds the book, then back as it was.

    A run allocates millions of small objects that live to its end (entries, blocks, tokens) and
    form no cycles; the collector's passes over them cost about a tenth of the run at 1,300
    articles and free nothing, while reference counting frees the rest as before.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
