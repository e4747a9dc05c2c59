#!/usr/bin/env bash
# Installs what the browser tests (tests/browser/, pytest -m browser) and bench/bench_html.py need:
# Debian's chromium + chromium-driver, and selenium from PyPI. Idempotent: does nothing when present.
# Called by .ci/run before pytest. Needs root (or sudo) for apt-get.
set -euo pipefail

SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

need_apt=0
command -v chromium >/dev/null 2>&1 || need_apt=1
[ -x /usr/bin/chromedriver ] || need_apt=1

if [ "$need_apt" = "1" ]; then
  # Another apt/dpkg may hold the lock (parallel installs on a shared box): wait for it.
  for _ in $(seq 1 60); do
    if $SUDO apt-get update -qq; then break; fi
    sleep 5
  done
  for _ in $(seq 1 60); do
    if DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
        chromium chromium-driver fonts-dejavu-core; then
      break
    fi
    sleep 5
  done
fi

PY="${PYTHON:-python3}"
if ! "$PY" -c "import selenium" >/dev/null 2>&1; then
  "$PY" -m pip install -q "selenium>=4.10"
fi

echo "browser deps: $(chromium --version 2>/dev/null || echo 'chromium MISSING') /" \
     "$(/usr/bin/chromedriver --version 2>/dev/null | cut -d' ' -f1-2 || echo 'chromedriver MISSING') /" \
     "selenium $("$PY" -c 'import selenium; print(selenium.__version__)')"
