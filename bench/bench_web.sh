#!/usr/bin/env bash
# Web benchmark: wrk on loopback (64 connections, 2 threads) against `paperfeed serve`, beside nginx
# serving the same front page saved as a static file — this machine's HTTP ceiling.
#
#   bash bench/bench_web.sh              # demo data and the 74,728-paper catalogue
#   DATASETS=demo DURATION=5s bash bench/bench_web.sh
#
# Prints requests/s, p50 and p99 per URL and the ratio to nginx. Never fails on speed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
BIN=$ROOT/$BUILD/paperfeed
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-2}
SERVER_THREADS=${SERVER_THREADS:-96}
DATASETS=${DATASETS:-"demo full"}
SHARED=${SHARED:-$ROOT/../shared/data}
QUERIES=${QUERIES:-$SHARED/bench/latency-queries-1000.txt}
OUT=$ROOT/bench/out
mkdir -p "$OUT"

[ -x "$BIN" ] || { echo "bench_web: build paperfeed first (cmake --build $BUILD), or set BUILD=dir" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench_web: wrk is missing (apt-get install -y wrk)" >&2; exit 1; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "bench_web: nginx is missing (apt-get install -y nginx)" >&2; exit 1; }

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

TMP=$(mktemp -d /tmp/paperfeed-bench-web.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  [ -f "$TMP/nginx.pid" ] && kill "$(cat "$TMP/nginx.pid")" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

# wrk URL -> "req/s p50 p99" (latencies in ms).
run_wrk() {
  local url=$1; shift
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url" > "$TMP/wrk.txt" 2>&1 || true
  /usr/bin/python3 - "$TMP/wrk.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)", v)
    if not m: return float("nan")
    x, u = float(m.group(1)), m.group(2)
    return x / 1000 if u == "us" else x * 1000 if u == "s" else x
rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
p50 = re.search(r"\n\s+50%\s+(\S+)", text)
p99 = re.search(r"\n\s+99%\s+(\S+)", text)
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
sock = re.search(r"Socket errors: (.*)", text)
print(f"{float(rps.group(1)) if rps else 0:.0f} {ms(p50.group(1)) if p50 else float('nan'):.2f} "
      f"{ms(p99.group(1)) if p99 else float('nan'):.2f} {errors.group(1) if errors else 0}")
PY
}

make_db() {  # name -> path of a ready database
  local name=$1 db=$OUT/web-$1.db
  if [ ! -f "$db" ]; then
    echo "== building $db" >&2
    if [ "$name" = demo ]; then
      "$BIN" --db "$db" ingest --allow-rejects "$ROOT/data/demo/arxiv" >&2
      "$BIN" --db "$db" ingest --allow-rejects --format hf-daily "$ROOT/data/demo/hf-daily-papers" >&2
    else
      "$BIN" --db "$db" ingest --allow-rejects "$SHARED/arxiv/arxiv-listings-2025-2026.jsonl.gz" >&2
      "$BIN" --db "$db" ingest --allow-rejects --format hf-daily "$SHARED/hf-daily-papers" >&2 || true
    fi
    # Build the search indexes now, so that serve starts at once.
    "$BIN" --db "$db" index rebuild >&2
  fi
  echo "$db"
}

sign_in() {  # db base -> "paperfeed_session=…" for a member made for the benchmark
  local db=$1 base=$2 jar=$TMP/cookies.txt csrf
  printf 'bench-password-123\n' | "$BIN" --db "$db" user add bench-reader --password-stdin >/dev/null 2>&1 || true
  csrf=$(curl -s -c "$jar" "$base/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$csrf" --data-urlencode "name=bench-reader" \
    --data-urlencode "password=bench-password-123" "$base/login"
  echo "paperfeed_session=$(awk '$6 == "paperfeed_session" {print $7}' "$jar")"
}

week_of() {  # YYYY-MM-DD -> YYYY-Www
  /usr/bin/python3 -c "import datetime,sys; y,w,_=datetime.date.fromisoformat(sys.argv[1]).isocalendar(); print(f'{y}-W{w:02d}')" "$1"
}

start_nginx() {  # static dir -> port
  local dir=$1 port
  port=$(free_port)
  mkdir -p "$TMP/nginx"
  chmod -R a+rX "$TMP"  # nginx's workers run as www-data
  cat > "$TMP/nginx.conf" <<EOF
worker_processes 2;
pid $TMP/nginx.pid;
error_log $TMP/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  client_body_temp_path $TMP/nginx; proxy_temp_path $TMP/nginx; fastcgi_temp_path $TMP/nginx;
  uwsgi_temp_path $TMP/nginx; scgi_temp_path $TMP/nginx;
  types { text/html html; }
  server { listen 127.0.0.1:$port; root $dir; index index.html; }
}
EOF
  "$NGINX" -c "$TMP/nginx.conf" -p "$TMP/nginx" >&2
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.1; done
  echo "$port"
}

printf "\n%-8s %-46s %10s %9s %9s %7s %8s\n" dataset url "req/s" "p50 ms" "p99 ms" non2xx "÷nginx"
for dataset in $DATASETS; do
  db=$(make_db "$dataset")
  port=$(free_port)
  "$BIN" --db "$db" serve --listen "127.0.0.1:$port" --threads "$SERVER_THREADS" --quiet > "$TMP/serve.out" 2> "$TMP/serve.err" &
  PIDS+=($!)
  for _ in $(seq 3000); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  base=http://127.0.0.1:$port
  day=$(curl -s "$base/healthz" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["latestDay"])')
  paper=$(curl -s "$base/api/daily_papers?date=$day&limit=1" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["paper"]["id"])')
  mkdir -p "$TMP/static-$dataset"
  curl -s "$base/" > "$TMP/static-$dataset/index.html"
  nginx_port=$(start_nginx "$TMP/static-$dataset")
  read -r n_rps n_p50 n_p99 n_err < <(run_wrk "http://127.0.0.1:$nginx_port/")
  printf "%-8s %-46s %10s %9s %9s %7s %8s\n" "$dataset" "nginx static front page ($(wc -c < "$TMP/static-$dataset/index.html") B)" "$n_rps" "$n_p50" "$n_p99" "$n_err" "1.00"
  for path in "/api/daily_papers?date=$day" "/" "/papers/$paper" "/search?q=diffusion+model" "/api/papers/search?q=diffusion+model"; do
    read -r rps p50 p99 err < <(run_wrk "$base$path")
    ratio=$(/usr/bin/python3 -c "print(f'{$rps/$n_rps:.2f}' if $n_rps else 'n/a')")
    printf "%-8s %-46s %10s %9s %9s %7s %8s\n" "$dataset" "$path" "$rps" "$p50" "$p99" "$err" "$ratio"
  done
  # The same with a Cookie header: the response cache is bypassed, every request renders and queries.
  for path in "/api/daily_papers?date=$day" "/" "/papers/$paper" "/search?q=diffusion+model"; do
    read -r rps p50 p99 err < <(run_wrk "$base$path" -H "Cookie: bench=uncached")
    ratio=$(/usr/bin/python3 -c "print(f'{$rps/$n_rps:.2f}' if $n_rps else 'n/a')")
    printf "%-8s %-46s %10s %9s %9s %7s %8s\n" "$dataset" "$path (uncached)" "$rps" "$p50" "$p99" "$err" "$ratio"
  done
  # Signed in: a member's session cookie. Pages are rendered for the member (their upvotes, their
  # CSRF token) from a shared template per page (web/page_template).
  cookie=$(sign_in "$db" "$base")
  for path in "/" "/papers/date/$day" "/papers/week/$(week_of "$day")" "/papers/$paper" "/search?q=diffusion+model"; do
    read -r rps p50 p99 err < <(run_wrk "$base$path" -H "Cookie: $cookie")
    ratio=$(/usr/bin/python3 -c "print(f'{$rps/$n_rps:.2f}' if $n_rps else 'n/a')")
    printf "%-8s %-46s %10s %9s %9s %7s %8s\n" "$dataset" "$path (signed in)" "$rps" "$p50" "$p99" "$err" "$ratio"
  done
  # Distinct queries: the 1,000 of latency-queries-1000.txt in turn, beside the repeated query above
  # (which the response cache answers); the cookie keeps the cache out.
  if [ -f "$QUERIES" ]; then
    for path in "/api/papers/search?mode=keyword&q=" "/api/papers/search?q=" "/search?mode=keyword&q=" "/search?q="; do
      read -r rps p50 p99 err < <(BENCH_QUERIES="$QUERIES" BENCH_PATH="$path" run_wrk "$base/" -s "$ROOT/bench/distinct_queries.lua" -H "Cookie: bench=uncached")
      ratio=$(/usr/bin/python3 -c "print(f'{$rps/$n_rps:.2f}' if $n_rps else 'n/a')")
      printf "%-8s %-46s %10s %9s %9s %7s %8s\n" "$dataset" "${path}… (1,000 distinct)" "$rps" "$p50" "$p99" "$err" "$ratio"
    done
  else
    echo "bench_web: $QUERIES is missing: distinct-query rows skipped" >&2
  fi
  kill "$(cat "$TMP/nginx.pid")" 2>/dev/null || true
  rm -f "$TMP/nginx.pid"
  kill "${PIDS[-1]}" 2>/dev/null || true
  wait "${PIDS[-1]}" 2>/dev/null || true
done
echo
echo "wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION --latency on loopback; paperfeed serve --threads $SERVER_THREADS; nginx 2 workers."
echo "Responses for anonymous GETs come from paperfeed's in-memory cache (invalidated on any database change)."
