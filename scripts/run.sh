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
./build/paperfeed --db "$DB" ingest --allow-rejects data/demo
if ./build/paperfeed index --help >/dev/null 2>&1; then
  ./build/paperfeed --db "$DB" index update 2>/dev/null || ./build/paperfeed --db "$DB" index rebuild
fi
./build/paperfeed --db "$DB" stats
if ./build/paperfeed serve --help >/dev/null 2>&1; then
  echo "== serving on http://$LISTEN/ (Ctrl-C to stop) =="
  exec ./build/paperfeed --db "$DB" serve --listen "$LISTEN"
fi
echo "The web server is not built in this version; try: ./build/paperfeed --db $DB show ID"
