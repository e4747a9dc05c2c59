#!/usr/bin/env bash
# Installs what the browser tests (tests/browser/, marker `browser`) and bench/bench_html.py need:
# Debian's chromium + chromium-driver, and selenium from PyPI. Idempotent: does nothing when present.
# Called by .ci/run before pytest. apt-get needs root (or sudo).
set -euo pipefail

have_browser() { command -v chromium >/dev/null 2>&1 && [ -x /usr/bin/chromedriver ]; }

if ! have_browser; then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "browser-deps: chromium/chromium-driver missing and no root or sudo to install them" >&2
      exit 1
    fi
  fi
  # Other jobs on a shared machine may hold the dpkg lock: wait for it instead of failing.
  APT=($SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -qq)
  "${APT[@]}" update
  "${APT[@]}" install --no-install-recommends chromium chromium-driver fonts-dejavu-core
  have_browser || { echo "browser-deps: install finished but chromium/chromedriver still missing" >&2; exit 1; }
fi

# The same interpreter .ci/run uses for pytest (`python`), falling back to python3.
PY="${PYTHON:-$(command -v python || command -v python3)}"
if ! "$PY" -c "import selenium" >/dev/null 2>&1; then
  "$PY" -m pip install -q "selenium>=4.10"
fi

echo "browser deps: $(chromium --version 2>/dev/null) / $(/usr/bin/chromedriver --version | cut -d' ' -f1-2) /" \
     "selenium $("$PY" -c 'import selenium; print(selenium.__version__)')"
