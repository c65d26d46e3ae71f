#!/usr/bin/env bash
# Mail benchmark: render and send DIGESTS (default 10,000) digests with `paperfeed digest run` to a
# real local SMTP server (tests/support/smtp_sink.py on Debian's python3-aiosmtpd, storing every
# message as a file), on the demo catalogue. Prints digests/s end to end, the render-only rate, and
# peak RSS; once with one SMTP connection for the whole batch (the default) and once with a new
# connection per message, to show what connection reuse is worth. Never fails on speed.
#
#   bash bench/bench_mail.sh                 # BUILD=build
#   BUILD=build-release DIGESTS=2000 bash bench/bench_mail.sh
#   TOPICS=0 bash bench/bench_mail.sh        # no saved searches (skips building the search index)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
BIN=$ROOT/$BUILD/paperfeed
DIGESTS=${DIGESTS:-10000}
TOPICS=${TOPICS:-1}
DAY=${DAY:-2026-08-20}
PY=/usr/bin/python3

[ -x "$BIN" ] || { echo "bench_mail: build paperfeed first (cmake --build $BUILD), or set BUILD=dir" >&2; exit 1; }
$PY -c 'import aiosmtpd' 2>/dev/null || { echo "bench_mail: apt-get install -y python3-aiosmtpd" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "bench_mail: apt-get install -y sqlite3" >&2; exit 1; }

TMP=$(mktemp -d /tmp/paperfeed-bench-mail.XXXXXX)
SINK_PID=""
cleanup() {
  [ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

echo "bench_mail: catalogue from data/demo, $DIGESTS confirmed daily subscribers, digest day $DAY"
"$BIN" --db "$TMP/base.db" ingest --allow-rejects data/demo/arxiv data/demo/hf-daily-papers >/dev/null
if [ "$TOPICS" = 1 ]; then
  "$BIN" --db "$TMP/base.db" index rebuild >/dev/null 2>&1 || true
  if ! "$BIN" --db "$TMP/base.db" search "diffusion models" >/dev/null 2>&1; then
    echo "bench_mail: search does not work on this build; running without saved searches" >&2
    TOPICS=0
  fi
fi
"$BIN" --db "$TMP/base.db" subscribers list >/dev/null  # applies the migrations
# Preferences vary as real ones would: everyone gets the top 10 trending papers; a quarter add a
# saved search (one of five), a third a category, a fifth an author.
sqlite3 "$TMP/base.db" <<SQL
WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < $DIGESTS)
INSERT INTO subscribers(email, confirmed, period, top_n, topics, categories, authors, created_at, confirmed_at)
SELECT 'reader' || i || '@bench.example.org', 1, 'daily', 10,
       CASE WHEN $TOPICS = 1 AND i % 4 = 0 THEN
         CASE i % 5 WHEN 0 THEN 'diffusion models' WHEN 1 THEN 'language model agents'
                    WHEN 2 THEN 'reinforcement learning from human feedback' WHEN 3 THEN 'video generation'
                    ELSE 'graph neural networks' END ELSE '' END,
       CASE WHEN i % 3 = 0 THEN 'cs.LG' ELSE '' END,
       CASE WHEN i % 5 = 0 THEN 'Yann LeCun' ELSE '' END,
       strftime('%s','now'), strftime('%s','now')
FROM seq;
SQL

cat > "$TMP/reuse.toml" <<EOF
[mail]
public_base_url = "https://papers.example.org"
from_address = "digest@papers.example.org"
throttle = 0
EOF
cp "$TMP/reuse.toml" "$TMP/fresh.toml"
echo "smtp_reuse_connection = false" >> "$TMP/fresh.toml"

start_sink() {
  rm -rf "$TMP/mail" "$TMP/port"
  $PY tests/support/smtp_sink.py --dir "$TMP/mail" --port-file "$TMP/port" &
  SINK_PID=$!
  for _ in $(seq 100); do [ -f "$TMP/port" ] && break; sleep 0.05; done
  PORT=$(cat "$TMP/port")
}
stop_sink() { kill "$SINK_PID" 2>/dev/null || true; wait "$SINK_PID" 2>/dev/null || true; SINK_PID=""; }

# run LABEL CONFIG EXTRA_ARGS... -> prints one row.
run() {
  local label=$1 config=$2; shift 2
  cp "$TMP/base.db" "$TMP/run.db"
  rm -rf "$TMP/run.db.index"; [ -d "$TMP/base.db.index" ] && cp -r "$TMP/base.db.index" "$TMP/run.db.index"
  start_sink
  /usr/bin/time -v -o "$TMP/time.txt" "$BIN" --db "$TMP/run.db" digest run --date "$DAY" --config "$config" \
    --smtp "smtp://127.0.0.1:$PORT" --json "$@" > "$TMP/run.json"
  stop_sink
  local delivered; delivered=$(find "$TMP/mail" -name '*.eml' 2>/dev/null | wc -l)
  $PY - "$label" "$TMP/time.txt" "$TMP/run.json" "$delivered" <<'PY'
import json, re, sys
label, time_file, run_file, delivered = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
t = open(time_file).read()
wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", t)
seconds = (int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3)))
rss_mb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
r = json.load(open(run_file))
n = r["rendered"]
print(f"{label:<34} {n:>8} {r.get('sent', 0):>8} {delivered:>9} {seconds:>8.2f} {n / seconds if seconds else 0:>10.0f} {rss_mb:>9.1f}")
PY
}

printf "%-34s %8s %8s %9s %8s %10s %9s\n" "run" "digests" "sent" "received" "seconds" "digests/s" "peak MB"
run "render only (--no-send)" "$TMP/reuse.toml" --no-send
run "render + send, one connection" "$TMP/reuse.toml"
run "render + send, connection per mail" "$TMP/fresh.toml"
echo "bench_mail: $(nproc) cores; SMTP server: aiosmtpd $($PY -c 'import aiosmtpd; print(aiosmtpd.__version__)') storing each message as a file"
