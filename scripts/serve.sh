#!/usr/bin/env bash
# Install the book's tools into .venv and serve the book at http://127.0.0.1:8000/.
#   bash scripts/serve.sh                      serve (options go to `mkdocs serve`, e.g. -a 127.0.0.1:8001)
#   bash scripts/serve.sh build [options]      write the static site to site/ (options go to `mkdocs build`)
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -e .
export NO_MKDOCS_2_WARNING=1
if [ "${1:-}" = "build" ]; then
  shift
  exec .venv/bin/mkdocs build --strict "$@"
fi
# Say plainly when the address is taken, instead of mkdocs' traceback.
addr=127.0.0.1:8000
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    -a|--dev-addr) addr="${args[$((i + 1))]:-$addr}" ;;
    -a*) addr="${args[$i]#-a}" ;;
    --dev-addr=*) addr="${args[$i]#--dev-addr=}" ;;
  esac
done
if ! .venv/bin/python - "$addr" <<'PY'
import socket, sys
host, _, port = sys.argv[1].rpartition(":")
try:
    with socket.socket(socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET) as s:
        s.bind((host.strip("[]") or "127.0.0.1", int(port)))
except (OSError, ValueError) as err:
    print(f"serve: cannot listen on {sys.argv[1]} ({err.strerror if isinstance(err, OSError) else err}).",
          file=sys.stderr)
    print("serve: another server may be using it; choose another address, e.g. "
          "bash scripts/serve.sh -a 127.0.0.1:8001", file=sys.stderr)
    sys.exit(1)
PY
then
  exit 1
fi
exec .venv/bin/mkdocs serve "$@"
