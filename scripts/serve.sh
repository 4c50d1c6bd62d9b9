#!/usr/bin/env bash
# Install the book's tools into .venv and serve the book at http://127.0.0.1:8000/
# (`scripts/serve.sh build` writes the static site to site/ instead).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -e .
export NO_MKDOCS_2_WARNING=1
if [ "${1:-serve}" = "build" ]; then
  exec .venv/bin/mkdocs build --strict
fi
exec .venv/bin/mkdocs serve
