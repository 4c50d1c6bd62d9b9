"""Shared fixtures: the real archive run once, and paths to crafted dumps."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.pipeline import Paths, Result, run

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def real() -> Result:
    """The bundled archive through the whole pipeline, nothing written."""
    return run(Paths(out=ROOT / "build" / "unused"), write_files=False)


def run_on(archive: Path, tmp_path: Path, editorial: Path | None = None) -> Result:
    return run(Paths(archive=archive, editorial=editorial or ROOT / "editorial", out=tmp_path / "out"))
