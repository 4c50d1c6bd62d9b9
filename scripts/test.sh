#!/usr/bin/env bash
# Install everything the tests need and run them: lint, unit, site and browser tests.
# Browser tests need Debian's chromium and fonts-wqy-zenhei; as root this installs them.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! [ -x /usr/bin/chromium ] || ! ls /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing chromium and fonts-wqy-zenhei (apt-get)…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-wqy-zenhei >/dev/null
  else
    echo "note: chromium or fonts-wqy-zenhei missing and not root: browser tests will skip (CI=true makes them fail)"
  fi
fi
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -e '.[test]'
export NO_MKDOCS_2_WARNING=1
.venv/bin/ruff check builder tests benchmarks
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
