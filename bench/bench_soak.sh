#!/usr/bin/env bash
# Soak benchmark (not in CI): everything that once took the site down, at once, for MINUTES.
#
#   bash bench/bench_soak.sh                 # 3 minutes on the demo data
#   MINUTES=0.3 bash bench/bench_soak.sh     # a quick check that it runs
#
# Against `paperfeed serve` on loopback, for the whole run:
#   - wrk on pages (front page, a paper) and on search (/api/papers/search), WRK_CONNECTIONS each;
#   - a slow-client pack: SLOW_CLIENTS sockets each sending one header line every 3 s (never done);
#   - from 10% of the run, an ingest of INGEST_FILE (the 74,728-paper listing) in another process;
#   - upvoters and commenters with API tokens (Bearer), recording every write the server acknowledged;
#   - at half time, kill -9 of serve and an immediate restart on the same port and database.
# Prints /healthz latency percentiles (one probe every 50 ms), search latency during the ingest,
# answers by status, and checks that every acknowledged upvote and comment is in the database and
# that each paper's upvote count equals its distinct voters. Never fails on speed; exits 1 only when
# an acknowledged write is missing or a count disagrees.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
BIN=$ROOT/$BUILD/paperfeed
MINUTES=${MINUTES:-3}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-16}
SLOW_CLIENTS=${SLOW_CLIENTS:-64}
VOTERS=${VOTERS:-8}
SHARED=${SHARED:-$ROOT/../shared/data}
INGEST_FILE=${INGEST_FILE:-$SHARED/arxiv/arxiv-listings-2025-2026.jsonl.gz}

[ -x "$BIN" ] || { echo "bench_soak: build paperfeed first (scripts/build.sh), or set BUILD=dir" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench_soak: wrk is missing (apt-get install -y wrk)" >&2; exit 1; }
[ -f "$INGEST_FILE" ] || { echo "bench_soak: $INGEST_FILE is missing; set INGEST_FILE" >&2; exit 1; }

TMP=$(mktemp -d /tmp/paperfeed-soak.XXXXXX)
SERVE_PID=""
INGEST_PID=""
cleanup() {
  [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null || true
  [ -n "$INGEST_PID" ] && kill "$INGEST_PID" 2>/dev/null || true
  jobs -p | xargs -r kill 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
trap "exit 130" INT TERM

DB=$TMP/soak.db
echo "== demo catalogue and its index in $TMP" >&2
"$BIN" --db "$DB" ingest --allow-rejects "$ROOT/data/demo/arxiv" >/dev/null
"$BIN" --db "$DB" ingest --allow-rejects --format hf-daily "$ROOT/data/demo/hf-daily-papers" >/dev/null
"$BIN" --db "$DB" index rebuild >/dev/null 2>&1

PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$TMP/paperfeed.toml" <<EOF
[server]
database = "$DB"
listen = "127.0.0.1:$PORT"
quiet = true
index_sync_seconds = 2
# Every client of this benchmark is 127.0.0.1: the per-address cap (default max(8, threads / 2))
# would answer nearly everything 429. Raised, the workers and the queue are what is tested.
max_connections_per_address = 100000
[accounts]
password_cost = "minimum"
[mail]
enabled_in_serve = false
EOF

# Voters: accounts made with the CLI, and API tokens stored as the server stores them (BLAKE2b-256
# of the token, web/auth TokenHash), with the vote and comment scopes.
for i in $(seq 1 "$VOTERS"); do
  printf 'soak-voter-password-%s\n' "$i" | PAPERFEED_PASSWORD_COST=minimum "$BIN" --db "$DB" user add "voter$i" --password-stdin >/dev/null
done
/usr/bin/python3 - "$DB" "$VOTERS" > "$TMP/tokens" <<'PY'
import hashlib, secrets, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
now = int(time.time())
for i in range(1, int(sys.argv[2]) + 1):
    token = "pf_" + secrets.token_urlsafe(32)
    (uid,) = db.execute("SELECT id FROM users WHERE name = ?", (f"voter{i}",)).fetchone()
    db.execute("INSERT INTO api_tokens(token_hash, user_id, name, created_at, scopes, expires_at) VALUES (?,?,?,?,?,?)",
               (hashlib.blake2b(token.encode(), digest_size=32).hexdigest(), uid, "soak", now, "read vote comment",
                now + 86400))
    print(token)
db.commit()
PY
sqlite3 "$DB" "SELECT id FROM papers ORDER BY doc_id DESC LIMIT 200" > "$TMP/papers"
PAPER=$(head -1 "$TMP/papers")

start_serve() {
  "$BIN" --config "$TMP/paperfeed.toml" serve > "$TMP/serve.out" 2>> "$TMP/serve.err" &
  SERVE_PID=$!
  /usr/bin/python3 - "$PORT" <<'PY'
import socket, sys, time
for _ in range(600):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close(); sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
}

SECONDS_TOTAL=$(/usr/bin/python3 -c "print(max(6, int(float('$MINUTES') * 60)))")
echo "== soak for ${SECONDS_TOTAL}s on port $PORT" >&2
start_serve
BASE=http://127.0.0.1:$PORT

# wrk: pages and search, for the whole run (a restart costs them a few connection errors).
WRK_PIDS=()
wrk -t1 -c"$WRK_CONNECTIONS" -d"${SECONDS_TOTAL}s" --latency "$BASE/" > "$TMP/wrk-front.txt" 2>&1 &
WRK_PIDS+=($!)
wrk -t1 -c"$WRK_CONNECTIONS" -d"${SECONDS_TOTAL}s" --latency "$BASE/papers/$PAPER" > "$TMP/wrk-paper.txt" 2>&1 &
WRK_PIDS+=($!)
wrk -t1 -c"$WRK_CONNECTIONS" -d"${SECONDS_TOTAL}s" --latency "$BASE/api/papers/search?q=neural+networks&mode=hybrid" \
  > "$TMP/wrk-search.txt" 2>&1 &
WRK_PIDS+=($!)

# The conductor: slow clients, /healthz and search probes, voters and commenters, the ingest and the
# kill -9, each in its own thread, all recorded to $TMP/events.jsonl.
/usr/bin/python3 - "$PORT" "$SECONDS_TOTAL" "$SLOW_CLIENTS" "$TMP" "$BIN" "$DB" "$INGEST_FILE" <<'PY' &
import http.client, json, os, random, signal, socket, subprocess, sys, threading, time
port, total, slow, tmp, binary, db, ingest_file = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), *sys.argv[4:8]
tokens = open(f"{tmp}/tokens").read().split()
papers = open(f"{tmp}/papers").read().split()
start = time.monotonic()
stop = threading.Event()
lock = threading.Lock()
events = open(f"{tmp}/events.jsonl", "w")
phase = {"ingest": False}

def record(**e):
    e["t"] = round(time.monotonic() - start, 3)
    with lock:
        events.write(json.dumps(e) + "\n")

def request(method, path, body=None, headers=None, timeout=10):
    t0 = time.monotonic()
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, data, (time.monotonic() - t0) * 1000
    except Exception as ex:
        return f"error:{type(ex).__name__}", b"", (time.monotonic() - t0) * 1000

def slow_client():
    while not stop.is_set():
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            while not stop.wait(3):
                s.sendall(b"X-Slow: 1\r\n")
        except OSError:
            stop.wait(0.5)

def probe(kind, path, every):
    while not stop.wait(every):
        status, _, ms = request("GET", path, timeout=5)
        record(kind=kind, status=status, ms=round(ms, 2), ingest=phase["ingest"])

def voter(token):
    auth = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    while not stop.is_set():
        paper = random.choice(papers)
        if random.random() < 0.7:
            status, data, ms = request("POST", f"/api/papers/{paper}/upvote", headers=auth)
            record(kind="upvote", status=status, token=token[-8:], paper=paper)
        else:
            status, data, ms = request("POST", f"/api/papers/{paper}/comments",
                                       body=json.dumps({"text": f"soak comment {random.random()}"}), headers=auth)
            cid = json.loads(data).get("id") if status == 201 else None
            record(kind="comment", status=status, token=token[-8:], paper=paper, id=cid)
        stop.wait(0.05)

threads = [threading.Thread(target=slow_client, daemon=True) for _ in range(slow)]
threads += [threading.Thread(target=probe, args=("healthz", "/healthz", 0.05), daemon=True),
            threading.Thread(target=probe, args=("search", "/api/papers/search?q=graph+neural+networks&mode=keyword", 0.2),
                             daemon=True)]
threads += [threading.Thread(target=voter, args=(t,), daemon=True) for t in tokens]
for t in threads: t.start()

time.sleep(total * 0.1)
ingest = subprocess.Popen([binary, "--db", db, "ingest", "--allow-rejects", ingest_file],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
phase["ingest"] = True
record(kind="ingest-start")
time.sleep(max(0, total * 0.5 - (time.monotonic() - start)))
# kill -9 and restart: the parent shell restarts serve when it sees this file.
record(kind="kill")
open(f"{tmp}/kill-now", "w").close()
while os.path.exists(f"{tmp}/kill-now"): time.sleep(0.01)
record(kind="restarted")
while time.monotonic() - start < total:
    if ingest.poll() is not None and phase["ingest"]:
        phase["ingest"] = False
        record(kind="ingest-end", rc=ingest.returncode)
    time.sleep(0.1)
stop.set()
if ingest.poll() is None:
    ingest.terminate(); ingest.wait()
time.sleep(0.5)
events.close()
PY
CONDUCTOR=$!

# The kill -9 and restart, when the conductor asks.
while kill -0 "$CONDUCTOR" 2>/dev/null; do
  if [ -f "$TMP/kill-now" ]; then
    kill -9 "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null || true
    start_serve
    rm -f "$TMP/kill-now"
  fi
  sleep 0.05
done
wait "$CONDUCTOR" || true
wait "${WRK_PIDS[@]}" || true   # not a bare wait: serve runs in the background too

echo "== results" >&2
/usr/bin/python3 - "$TMP" "$DB" <<'PY'
import collections, json, re, sqlite3, sys
tmp, db = sys.argv[1], sys.argv[2]
events = [json.loads(l) for l in open(f"{tmp}/events.jsonl")]
def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))] if xs else float("nan")
def show(name, xs):
    print(f"{name:<34} n={len(xs):<6} p50={pct(xs,50):8.2f} ms  p99={pct(xs,99):8.2f} ms  max={max(xs) if xs else float('nan'):8.2f} ms")
kill_t = next((e["t"] for e in events if e["kind"] == "kill"), None)
back_t = next((e["t"] for e in events if e["kind"] == "restarted"), None)
outage = lambda e: kill_t is not None and back_t is not None and kill_t <= e["t"] <= back_t + 1
health = [e for e in events if e["kind"] == "healthz"]
show("/healthz (all)", [e["ms"] for e in health if e["status"] == 200])
show("/healthz (outside the restart)", [e["ms"] for e in health if e["status"] == 200 and not outage(e)])
search = [e for e in events if e["kind"] == "search" and e["status"] == 200]
show("search (during the ingest)", [e["ms"] for e in search if e["ingest"]])
show("search (otherwise)", [e["ms"] for e in search if not e["ingest"]])
print(f"restart after kill -9: {back_t - kill_t:.2f} s" if kill_t is not None and back_t is not None else "no restart")
by = collections.Counter()
for e in events:
    if "status" in e: by[(e["kind"], str(e["status"]))] += 1
print("answers by kind and status:", ", ".join(f"{k}:{s}={n}" for (k, s), n in sorted(by.items())))
for name in ("front", "paper", "search"):
    text = open(f"{tmp}/wrk-{name}.txt").read()
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    p99 = re.search(r"\n\s+99%\s+(\S+)", text)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    sock = re.search(r"Socket errors: (.*)", text)
    print(f"wrk {name:<6} {float(rps.group(1)) if rps else 0:8.0f} req/s  p99 {p99.group(1) if p99 else '?':>8}  "
          f"non-2xx {non2xx.group(1) if non2xx else 0}  socket errors: {sock.group(1) if sock else 'none'}")
five = sum(n for (k, s), n in by.items() if s.startswith("5") and s != "503")
print(f"5xx other than 503: {five}")

con = sqlite3.connect(db)
tokens = open(f"{tmp}/tokens").read().split()
names = {t[-8:]: f"voter{i+1}" for i, t in enumerate(tokens)}
lost = 0
acked_votes = {(names[e["token"]], e["paper"]) for e in events if e["kind"] == "upvote" and e["status"] == 200}
stored_votes = set(con.execute("SELECT u.name, v.paper_id FROM upvotes v JOIN users u ON u.id = v.user_id"))
lost += len(acked_votes - stored_votes)
acked_comments = {e["id"] for e in events if e["kind"] == "comment" and e["status"] == 201}
stored_comments = {r[0] for r in con.execute("SELECT id FROM comments")}
lost += len(acked_comments - stored_comments)
wrong = con.execute("SELECT COUNT(*) FROM (SELECT c.paper_id FROM upvote_counts c LEFT JOIN "
                    "(SELECT paper_id, COUNT(DISTINCT user_id) n FROM upvotes GROUP BY paper_id) v USING (paper_id) "
                    "WHERE c.count <> COALESCE(v.n, 0))").fetchone()[0]
print(f"acknowledged upvotes {len(acked_votes)}, comments {len(acked_comments)}; lost {lost}; "
      f"papers whose count differs from distinct voters: {wrong}")
sys.exit(1 if lost or wrong else 0)
PY
