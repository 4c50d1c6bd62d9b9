"""Shared fixtures: the real archive run once, and paths to crafted dumps."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.pipeline import Paths, Result, run
from tests.siteutil import build, make_project

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def real() -> Result:
    """The bundled archive through the whole pipeline, nothing written."""
    return run(Paths(out=ROOT / "build" / "unused"), write_files=False)


def run_on(archive: Path, tmp_path: Path, editorial: Path | None = None) -> Result:
    return run(Paths(archive=archive, editorial=editorial or ROOT / "editorial", out=tmp_path / "out"))


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("site")
    project = make_project(root / "project")
    done = build(project, root / "site")
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "site"
