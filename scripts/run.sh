#!/usr/bin/env bash
# Quick start: installs dependencies, builds, loads the bundled demo data and serves the site.
# Idempotent: a second run rebuilds nothing, reports the demo data unchanged and serves again.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh build
DB="${PAPERFEED_DB:-paperfeed.db}"
LISTEN="${PAPERFEED_LISTEN:-127.0.0.1:8080}"
echo "== loading the demo data (data/demo) into $DB =="
./build/paperfeed --db "$DB" ingest data/demo
echo "== bringing the search indexes up to date =="
./build/paperfeed --db "$DB" index update
./build/paperfeed --db "$DB" stats
echo "== serving on http://$LISTEN/ (Ctrl-C to stop) =="
exec ./build/paperfeed --db "$DB" serve --listen "$LISTEN"
