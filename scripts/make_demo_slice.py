#!/usr/bin/env python3
"""make_demo_slice: cuts the small real data set shipped in data/demo/ from ../shared/data.

Usage: scripts/make_demo_slice.py [--weeks 4] [--papers 4000] [--out data/demo]

Writes
  data/demo/hf-daily-papers/YYYY-MM-DD.json.gz   the raw Hugging Face daily_papers responses of the
                                                 last --weeks weeks (good days only), byte for byte
  data/demo/arxiv/arxiv-listings-recent.jsonl.gz  --papers records of the arXiv file, byte for byte:
                                                 first those listed on the chosen Hugging Face days,
                                                 then the most recent others (highest ids), in id order
  data/demo/LICENSE.md                           sources, licences and what the slice holds

The gzip members carry no name and mtime 0, so rerunning gives identical bytes. Fails when the
slice would exceed 5 MB (the repository's budget for demo data). Python 3 standard library only.
"""

import argparse
import datetime as dt
import gzip
import json
import os
import shutil
import sys

BUDGET = 5 * 1000 * 1000


def default_shared_data():
    here = os.path.dirname(os.path.abspath(__file__))
    return os.environ.get("PAPERFEED_SHARED_DATA", os.path.normpath(os.path.join(here, "..", "..", "shared", "data")))


def good_day(raw):
    """A day the API answered normally: a JSON array of entry objects, each with paper.id."""
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, list) or not all(isinstance(e, dict) and isinstance(e.get("paper"), dict)
                                             and e["paper"].get("id") for e in data):
        return None
    return data


def gz(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    shared = default_shared_data()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--weeks", type=int, default=4)
    ap.add_argument("--papers", type=int, default=4000)
    ap.add_argument("--out", default=os.path.join(here, "..", "data", "demo"))
    ap.add_argument("--hf", default=os.path.join(shared, "hf-daily-papers"))
    ap.add_argument("--arxiv", default=os.path.join(shared, "arxiv", "arxiv-listings-2025-2026.jsonl.gz"))
    args = ap.parse_args()
    out = os.path.normpath(args.out)

    # 1. The last weeks of good Hugging Face days.
    names = sorted(n for n in os.listdir(args.hf) if n.endswith(".json") and len(n) == 15)
    last = dt.date.fromisoformat(names[-1][:10])
    first = last - dt.timedelta(weeks=args.weeks)
    days, skipped = [], []
    for name in names:
        if dt.date.fromisoformat(name[:10]) < first:
            continue
        with open(os.path.join(args.hf, name), "rb") as f:
            raw = f.read()
        data = good_day(raw)
        if data is None:
            skipped.append(name)
            continue
        days.append((name, raw, data))
    hf_ids = {}
    entries = upvotes = 0
    for name, _, data in days:
        for e in data:
            hf_ids.setdefault(e["paper"]["id"], name[:10])
            entries += 1
            upvotes += int(e["paper"].get("upvotes") or 0)

    # 2. arXiv records: those on the chosen days first, then the most recent others.
    lines = {}
    with gzip.open(args.arxiv, "rb") as f:
        for line in f:
            if line.strip():
                lines[json.loads(line)["id"]] = line if line.endswith(b"\n") else line + b"\n"
    in_hf = sorted(i for i in lines if i in hf_ids)
    chosen = set(in_hf[: args.papers])
    for pid in sorted(lines, key=lambda i: (("/" not in i), i.split("/")[-1]), reverse=True):
        if len(chosen) >= args.papers:
            break
        chosen.add(pid)
    records = [json.loads(lines[i]) for i in sorted(chosen)]

    # 3. Write (replacing an older slice).
    hf_dir = os.path.join(out, "hf-daily-papers")
    ax_dir = os.path.join(out, "arxiv")
    for d in (hf_dir, ax_dir):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    total = 0
    for name, raw, _ in days:
        blob = gz(raw)
        total += len(blob)
        with open(os.path.join(hf_dir, name + ".gz"), "wb") as f:
            f.write(blob)
    ax_name = "arxiv-listings-recent.jsonl.gz"
    blob = gz(b"".join(lines[i] for i in sorted(chosen)))
    total += len(blob)
    with open(os.path.join(ax_dir, ax_name), "wb") as f:
        f.write(blob)

    created = sorted(r["versions"][0]["created"] for r in records)
    created_days = sorted(dt.datetime.strptime(c, "%a, %d %b %Y %H:%M:%S %Z").date() for c in created)
    updates = sorted(r["update_date"] for r in records)
    ids = sorted(chosen)
    facts = {
        "hf_days": len(days),
        "hf_first": days[0][0][:10] if days else "",
        "hf_last": days[-1][0][:10] if days else "",
        "hf_entries": entries,
        "hf_papers": len(hf_ids),
        "hf_upvotes": upvotes,
        "hf_skipped": skipped,
        "hf_in_arxiv": len(in_hf),
        "arxiv_papers": len(records),
        "arxiv_first_id": ids[0] if ids else "",
        "arxiv_last_id": ids[-1] if ids else "",
        "arxiv_first_listed": str(created_days[0]) if created_days else "",
        "arxiv_last_listed": str(created_days[-1]) if created_days else "",
        "arxiv_last_update": updates[-1] if updates else "",
        "bytes": total,
    }
    write_licence(os.path.join(out, "LICENSE.md"), facts, args.weeks, ax_name)
    total += os.path.getsize(os.path.join(out, "LICENSE.md"))
    print(json.dumps(facts))
    if total > BUDGET:
        print(f"make_demo_slice: the slice is {total} bytes, over the {BUDGET}-byte budget; lower --papers",
              file=sys.stderr)
        return 1
    return 0


def write_licence(path, f, weeks, ax_name):
    skipped = ", ".join(f["hf_skipped"]) if f["hf_skipped"] else "none"
    text = f"""# Demo data: sources and licences

A small slice of real, public data, shipped so that a new installation shows a full catalogue at
once (`paperfeed ingest data/demo/arxiv data/demo/hf-daily-papers`). Made by
`scripts/make_demo_slice.py --weeks {weeks} --papers {f['arxiv_papers']}` from the project's shared data
folder; rerunning it gives the same bytes. The files are the sources' own bytes, gzip-compressed
(the ingester reads gzip transparently).

## `hf-daily-papers/` — Hugging Face daily papers

- What: raw responses of Hugging Face's `GET /api/daily_papers?date=YYYY-MM-DD`, one file a day,
  with titles, summaries, authors, upvotes, comment counts, submitters, GitHub links and stars.
- Slice: the last {weeks} weeks of the collection, {f['hf_first']} to {f['hf_last']}: {f['hf_days']} listing days
  (weekdays), {f['hf_entries']} entries, {f['hf_papers']} distinct papers, {f['hf_upvotes']:,} upvotes in all. Malformed
  days skipped: {skipped}.
- Source: the daily files collected by the GitHub project 2404589803/hf-daily-paper-newsletter-chinese,
  licensed under the Apache License 2.0. Paper metadata originates from arXiv (CC0, see below);
  upvotes, comments and links are Hugging Face's public daily-papers data.

## `arxiv/{ax_name}` — arXiv metadata

- What: arXiv papers in the JSON-lines layout of arXiv's bulk metadata snapshot (14 fields a line).
- Slice: {f['arxiv_papers']:,} papers, ids {f['arxiv_first_id']} to {f['arxiv_last_id']}, first listed
  {f['arxiv_first_listed']} to {f['arxiv_last_listed']}, last update {f['arxiv_last_update']}. Chosen as: every paper of the file
  that appears on the Hugging Face days above ({f['hf_in_arxiv']} of their {f['hf_papers']} papers; the arXiv file's
  last update is {f['arxiv_last_update']}), then the most recent others by id.
- Source: derived from the daily arXiv listing files of the GitHub project
  dw-dengwei/daily-arXiv-ai-enhanced (Apache License 2.0). arXiv's metadata itself is released
  under CC0 1.0 (https://info.arxiv.org/help/api/tou.html). `submitter`, `journal-ref`, `doi`,
  `report-no` and `license` are null in this file; `versions[0].created` is the first listing date.

Abstracts and titles remain the work of their authors; only metadata is shipped here, no papers.
Total size of the slice: {f['bytes'] / 1e6:.2f} MB.
"""
    with open(path, "w", encoding="utf-8") as out:
        out.write(text)


if __name__ == "__main__":
    sys.exit(main())
