#!/usr/bin/env python3
"""reference_loader: the plain reference loader that paperfeed's ingest is benchmarked against.

Usage: bench/reference_loader.py DB FILE

Reads an arXiv bulk-metadata JSON-lines file (plain or gzip, told apart by its magic bytes) with
Python's json module and writes the same fields paperfeed keeps into one SQLite table with the
standard sqlite3 module: id primary key, title, abstract, authors, categories, versions (JSON),
update_date, comments, journal_ref, doi, license. It is the ordinary way to do the job, neither
deliberately slow nor tuned: WAL, synchronous=NORMAL (the catalogue's own settings), executemany in
batches of 10,000 rows with one transaction per batch, INSERT OR REPLACE so that a rerun is
idempotent. Streams line by line, so memory stays flat. Prints one JSON object of counts.
"""

import gzip
import json
import sqlite3
import sys
import time

BATCH = 10_000


def open_input(path):
    with open(path, "rb") as f:
        magic = f.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, "rt", encoding="utf-8")


def main():
    if len(sys.argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    db_path, path = sys.argv[1], sys.argv[2]
    start = time.monotonic()
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(
        "CREATE TABLE IF NOT EXISTS papers (id TEXT PRIMARY KEY, title TEXT NOT NULL, abstract TEXT NOT NULL, "
        "authors TEXT NOT NULL, categories TEXT NOT NULL, versions TEXT NOT NULL, update_date TEXT, comments TEXT, "
        "journal_ref TEXT, doi TEXT, license TEXT)")
    sql = ("INSERT OR REPLACE INTO papers (id, title, abstract, authors, categories, versions, update_date, comments, "
           "journal_ref, doi, license) VALUES (?,?,?,?,?,?,?,?,?,?,?)")
    read = written = rejected = 0
    rows = []

    def flush():
        nonlocal written
        db.execute("BEGIN")
        db.executemany(sql, rows)
        db.execute("COMMIT")
        written += len(rows)
        rows.clear()

    with open_input(path) as f:
        for line in f:
            if not line.strip():
                continue
            read += 1
            try:
                r = json.loads(line)
                rows.append((r["id"], r["title"], r["abstract"], r["authors"], r["categories"],
                             json.dumps(r["versions"]), r.get("update_date"), r.get("comments"),
                             r.get("journal-ref"), r.get("doi"), r.get("license")))
            except (ValueError, KeyError, TypeError):
                rejected += 1
                continue
            if len(rows) >= BATCH:
                flush()
    if rows:
        flush()
    db.close()
    print(json.dumps({"read": read, "written": written, "rejected": rejected,
                      "seconds": round(time.monotonic() - start, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
