"""Work spread over forked workers gives what the same work gives in one process."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

from builder import parallel, read
from builder.pipeline import Paths, run
from builder.render import pages

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ROOT = Path(__file__).resolve().parent.parent

needs_cores = pytest.mark.skipif(parallel.workers() < 2 or not hasattr(os, "fork"),
                                 reason="one core or no fork here: fork_map runs everything in this process")


@needs_cores
def test_fork_map_keeps_order_and_runs_in_other_processes() -> None:
    here = os.getpid()
    done = parallel.fork_map(lambda i: (i * i, os.getpid()), 200, parallel_from=1)
    assert [v for v, _ in done] == [i * i for i in range(200)]
    assert {pid for _, pid in done} - {here}, "no item ran in a worker"


def test_fork_map_below_the_threshold_runs_here() -> None:
    here = os.getpid()
    assert parallel.fork_map(lambda i: os.getpid(), 5, parallel_from=6) == [here] * 5


@needs_cores
def test_a_map_inside_a_worker_runs_in_that_worker() -> None:
    def outer(i: int) -> tuple[int, set[int]]:
        inner = parallel.fork_map(lambda j: os.getpid(), 4, parallel_from=1)
        return os.getpid(), set(inner)

    for pid, inner in parallel.fork_map(outer, 8, parallel_from=1):
        assert inner == {pid}


@needs_cores
def test_fork_map_passes_a_worker_exception_up() -> None:
    def task(i: int) -> int:
        if i == 7:
            raise ValueError("item 7")
        return i

    with pytest.raises(ValueError, match="item 7"):
        parallel.fork_map(task, 20, parallel_from=1)


@needs_cores
def test_fork_map_unfreezes_the_collector_even_when_a_worker_fails() -> None:
    frozen = gc.get_freeze_count()
    parallel.fork_map(lambda i: i, 10, parallel_from=1)
    assert gc.get_freeze_count() == frozen
    with pytest.raises(ZeroDivisionError):
        parallel.fork_map(lambda i: 1 // (i - 3), 10, parallel_from=1)
    assert gc.get_freeze_count() == frozen


@pytest.mark.parametrize("enabled", [True, False])
def test_collector_paused_restores_the_collector_as_it_was(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        with parallel.collector_paused():
            assert not gc.isenabled()
        assert gc.isenabled() == enabled
        with pytest.raises(KeyError), parallel.collector_paused():
            raise KeyError("a failing stage")
        assert gc.isenabled() == enabled
    finally:
        gc.enable() if was else gc.disable()


def test_a_pipeline_run_leaves_the_collector_on(tmp_path: Path) -> None:
    assert gc.isenabled()
    run(Paths(archive=FIXTURES / "formats", editorial=ROOT / "editorial", out=tmp_path / "out"), write_files=False)
    assert gc.isenabled()


def _snapshot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, threshold: int) -> tuple:
    for module in (read, pages):
        monkeypatch.setattr(module, "PARALLEL_FROM", threshold)
    result = run(Paths(archive=FIXTURES / "pages" / "archive", editorial=ROOT / "editorial",
                       out=tmp_path / f"out{threshold}"), write_files=False)
    files = {lang: [(f.path, f.content) for f in r.files] for lang, r in result.rendered.items()}
    return (files, {lang: (r.nav, r.units, r.formula_count) for lang, r in result.rendered.items()},
            [str(p) for p in result.problems], [e.source for e in result.entries])


@needs_cores
def test_the_pipeline_in_workers_makes_the_same_book(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    serial = _snapshot(monkeypatch, tmp_path, 10**9)
    forked = _snapshot(monkeypatch, tmp_path, 1)
    assert len(serial[0]["zh"]) > 10
    assert forked == serial
