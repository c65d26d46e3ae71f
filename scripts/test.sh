#!/usr/bin/env bash
# Runs every test: the unit, integration, CLI and browser tests on a normal build, every test that
# stores data once on SQLite and once on a PostgreSQL server the run starts (label postgres), then
# the SQLite suite (browser tests aside) built with AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
if [ -f tests/browser/package.json ]; then
  (cd tests/browser && { [ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund --loglevel=error; })
fi

echo "== build (RelWithDebInfo) =="
# The real-data tests (ctest label real-data) are built only when PAPERFEED_REAL_DATA names the
# full data folder; .ci/run sets it to ../shared/data. Without it a clone tests itself alone.
bash scripts/build.sh build -DPAPERFEED_REAL_DATA="${PAPERFEED_REAL_DATA:-}"
echo "== tests =="
(cd build && ctest --output-on-failure -j2 --timeout 900)

echo "== build (ASan + UBSan) =="
BUILD_TYPE=Debug bash scripts/build.sh build-asan -DPAPERFEED_SANITIZE=ON -DPAPERFEED_REAL_DATA=
echo "== tests under sanitizers =="
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build-asan && ctest --output-on-failure -j2 --timeout 900 -LE 'browser|real-data|postgres')
