#!/usr/bin/env python3
"""gen_arxiv_corpus: writes a synthetic arXiv bulk-metadata dump whose text statistics are real.

Usage:
  scripts/gen_arxiv_corpus.py --papers 2500000 --seed 1 --out bench/out/arxiv-2.5M.jsonl.gz

The output has the JSON-lines layout of the public arXiv metadata snapshot ("arxiv-metadata-oai-
snapshot.json"): one object a line with the same 14 fields in the same order as
../shared/data/fixtures/arxiv-bulk-snapshot-200.jsonl. Its content is learnt, at start, from the
74,728 real papers in ../shared/data/arxiv/arxiv-listings-2025-2026.jsonl.gz (and the 200-record real
snapshot for the fields that file leaves null):

  * title: two real titles spliced at the same relative word position (or at their colons), then
    wrapped at 72 columns with the dump's "\\n  " continuation;
  * abstract: a real abstract's sentence count, filled with real sentences drawn by position (a
    real opening sentence, real middle sentences, a real closing sentence), wrapped like the dump
    (two leading spaces, hard breaks before column 80, a final newline);
  * authors: a real paper's author count filled with real names (from authors_parsed);
  * categories, comments: a real paper's values (real category combinations);
  * journal-ref, doi, report-no: real values at the rates of the real snapshot; license: arXiv's
    licence URLs at rates close to the live archive's (null before 2010, as in the dump);
  * versions: v1 on a day inside the id's month, later versions 1..5 at the real snapshot's
    distribution and gaps of weeks to months; update_date on or after the last version.

Ids are new style, YYMM.NNNN (before 1501) or YYMM.NNNNN, ascending, unique within the file and spread
over 0704..2612 with arXiv's growth (~10 %/year). Ids present in the real 74,728-paper file are skipped,
so the generated file and the real one never share an id and can be loaded into one catalogue.

Deterministic: the same --papers and --seed give byte-identical output whatever --jobs is (each block
of 5,000 papers has its own random stream seeded by (seed, block)). Streaming with bounded memory: at
most 2 blocks per worker are in flight. A name ending .gz gets gzip (level 2 by default); each block
is its own gzip member, which every gzip reader (zlib's gzread, Python's gzip, zcat) reads as one
stream. Python 3 standard library only.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import gzip
import json
import math
import multiprocessing as mp
import os
import random
import re
import sys
import time
import zlib

BLOCK = 5000
FIRST_MONTH = (2007, 4)   # 0704: the first new-style id
LAST_MONTH = (2026, 12)   # 2612
GROWTH_PER_YEAR = 0.097   # arXiv grew from ~60k (2008) to ~280k (2024) papers a year
LATEST_DATE = dt.date(2026, 8, 31)

# arXiv's licence URLs (https://info.arxiv.org/help/license/index.html) with approximate shares.
LICENSES = [
    ("http://arxiv.org/licenses/nonexclusive-distrib/1.0/", 60),
    ("http://creativecommons.org/licenses/by/4.0/", 24),
    ("http://creativecommons.org/licenses/by-nc-sa/4.0/", 5),
    ("http://creativecommons.org/licenses/by-nc-nd/4.0/", 4),
    ("http://creativecommons.org/licenses/by-sa/4.0/", 2),
    ("http://creativecommons.org/publicdomain/zero/1.0/", 2),
    (None, 3),
]
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Sentence ends, but not after common abbreviations (e.g., i.e., et al., Fig., ...).
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9$\\(\[\"'])")
ABBREVIATIONS = ("e.g.", "i.e.", "et al.", "Fig.", "Figs.", "Eq.", "Eqs.", "vs.", "cf.", "Ref.", "Refs.",
                 "Sec.", "No.", "Dr.", "Prof.", "approx.", "resp.", "etc.", "Thm.", "Prop.", "St.")


def default_shared_data() -> str:
    here = os.path.dirname(os.path.abspath(__file__))
    return os.environ.get("PAPERFEED_SHARED_DATA", os.path.normpath(os.path.join(here, "..", "..", "shared", "data")))


def split_sentences(text: str) -> list[str]:
    parts = SENTENCE_END.split(text)
    out: list[str] = []
    for part in parts:
        if out and out[-1].endswith(ABBREVIATIONS):
            out[-1] += " " + part
        else:
            out.append(part)
    return out


class Model:
    """What the generator learns from the real files; read-only afterwards (shared by fork)."""

    def __init__(self, arxiv_path: str, snapshot_path: str):
        titles: list[str] = []
        first: list[str] = []
        middle: list[str] = []
        last: list[str] = []
        sentence_counts: list[int] = []
        author_counts: list[int] = []
        names: dict[tuple[str, str, str], None] = {}  # insertion-ordered set: deterministic
        categories: list[str] = []
        comments: list[str | None] = []
        self.real_ids: dict[int, list[int]] = {}  # yymm -> sorted numbers present in the real file
        with gzip.open(arxiv_path, "rt", encoding="utf-8") as f:
            for line in f:
                rec = json.loads(line)
                titles.append(" ".join(rec["title"].split()))
                sentences = split_sentences(" ".join(rec["abstract"].split()))
                sentence_counts.append(len(sentences))
                if len(sentences) == 1:
                    middle.append(sentences[0])
                else:
                    first.append(sentences[0])
                    last.append(sentences[-1])
                    middle.extend(sentences[1:-1])
                parsed = rec.get("authors_parsed") or []
                author_counts.append(max(1, len(parsed)))
                for a in parsed:
                    key = (a[0], a[1] if len(a) > 1 else "", a[2] if len(a) > 2 else "")
                    if key[0]:
                        names[key] = None
                categories.append(rec["categories"])
                comments.append(rec["comments"])
                rid = rec["id"]
                if "/" not in rid and "." in rid:
                    yymm, num = rid.split(".", 1)
                    self.real_ids.setdefault(int(yymm), []).append(int(num.split("v")[0]))
        for nums in self.real_ids.values():
            nums.sort()
        self.titles = titles
        self.first, self.middle, self.last = first, middle, last
        self.sentence_counts = sentence_counts
        self.author_counts = author_counts
        self.names = list(names)
        self.categories = categories
        self.comments = comments
        self.paper_count = len(titles)

        snap = [json.loads(l) for l in open(snapshot_path, encoding="utf-8") if l.strip()]
        self.version_counts = [len(r["versions"]) for r in snap]
        n = len(snap)
        self.journal_refs = [r["journal-ref"] for r in snap if r["journal-ref"]]
        self.dois = [r["doi"] for r in snap if r["doi"]]
        self.report_nos = [r["report-no"] for r in snap if r["report-no"]]
        self.p_journal_ref = len(self.journal_refs) / n
        self.p_doi = len(self.dois) / n
        self.p_report_no = len(self.report_nos) / n
        self.license_values = [v for v, _ in LICENSES]
        self.license_cum = []
        acc = 0
        for _, w in LICENSES:
            acc += w
            self.license_cum.append(acc)


def months() -> list[tuple[int, int]]:
    y, m = FIRST_MONTH
    out = []
    while (y, m) <= LAST_MONTH:
        out.append((y, m))
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out


def yymm_of(month: tuple[int, int]) -> int:
    return (month[0] % 100) * 100 + month[1]


def id_capacity(yymm: int) -> int:
    # Four-digit sequence numbers until 1412, five digits from 1501 (arXiv identifier scheme).
    return 9999 if yymm < 1501 else 99999


def plan_months(total: int, real_ids: dict[int, list[int]]) -> list[int]:
    """Papers per month: arXiv-like growth, exact total (largest remainder), capacities respected."""
    ms = months()
    weights = [math.exp(GROWTH_PER_YEAR * i / 12.0) for i in range(len(ms))]
    caps = [id_capacity(yymm_of(m)) - len(real_ids.get(yymm_of(m), [])) for m in ms]
    if total > sum(caps):
        raise SystemExit(f"--papers {total} exceeds the id space 0704..2612 ({sum(caps)})")
    counts = [0] * len(ms)
    free = list(range(len(ms)))
    remaining = total
    while remaining > 0:
        wsum = sum(weights[i] for i in free)
        shares = {i: remaining * weights[i] / wsum for i in free}
        alloc = {i: int(shares[i]) for i in free}
        left = remaining - sum(alloc.values())
        for i in sorted(free, key=lambda i: (-(shares[i] - alloc[i]), i))[:left]:
            alloc[i] += 1
        next_free = []
        for i in free:
            take = min(alloc[i], caps[i] - counts[i])
            counts[i] += take
            remaining -= take
            if counts[i] < caps[i]:
                next_free.append(i)
        free = next_free
    return counts


def nth_free_number(k: int, excluded: list[int]) -> int:
    """The k-th (1-based) positive integer not in the sorted list excluded."""
    lo, hi = k, k + len(excluded)
    while lo < hi:  # smallest x with x - #(excluded <= x) >= k
        mid = (lo + hi) // 2
        if mid - bisect.bisect_right(excluded, mid) >= k:
            hi = mid
        else:
            lo = mid + 1
    return lo


def wrap(text: str, width: int, first_prefix: str, next_prefix: str) -> str:
    """Greedy fill like the dump's: words never split, lines at most width columns."""
    lines = []
    line = first_prefix
    fresh = True
    for word in text.split(" "):
        if not word:
            continue
        if fresh:
            line += word
            fresh = False
        elif len(line) + 1 + len(word) <= width:
            line += " " + word
        else:
            lines.append(line)
            line = next_prefix + word
    lines.append(line)
    return "\n".join(lines)


def rfc5322(t: dt.datetime) -> str:
    # The dump's form: day of month not padded ("Mon, 2 Apr 2007 19:18:42 GMT").
    return f"{WEEKDAYS[t.weekday()]}, {t.day} {MONTHS[t.month - 1]} {t.year} {t.hour:02d}:{t.minute:02d}:{t.second:02d} GMT"


def splice_title(rng: random.Random, a: str, b: str) -> str:
    if ": " in a and ": " in b and rng.random() < 0.5:
        return a.split(": ", 1)[0] + ": " + b.split(": ", 1)[1]
    wa, wb = a.split(" "), b.split(" ")
    f = rng.uniform(0.3, 0.7)
    ca = min(max(1, round(f * len(wa))), len(wa))
    cb = min(max(0, round(f * len(wb))), len(wb) - 1) if len(wb) > 1 else 0
    return " ".join(wa[:ca] + wb[cb:]) if len(wb) > 1 else " ".join(wa[:ca] + wb)


class Layout:
    """Global index -> (month, id) mapping shared by every worker."""

    def __init__(self, total: int, model: Model):
        self.months = months()
        self.counts = plan_months(total, model.real_ids)
        self.starts = []
        acc = 0
        for c in self.counts:
            self.starts.append(acc)
            acc += c
        self.real_ids = model.real_ids

    def month_of(self, index: int) -> int:
        return bisect.bisect_right(self.starts, index) - 1

    def paper_id(self, mi: int, index: int) -> str:
        yymm = yymm_of(self.months[mi])
        number = nth_free_number(index - self.starts[mi] + 1, self.real_ids.get(yymm, []))
        width = 4 if yymm < 1501 else 5
        return f"{yymm:04d}.{number:0{width}d}"


MODEL: Model | None = None
LAYOUT: Layout | None = None


def make_paper(rng: random.Random, model: Model, layout: Layout, index: int) -> dict:
    mi = layout.month_of(index)
    year, month = layout.months[mi]
    pid = layout.paper_id(mi, index)

    title = splice_title(rng, rng.choice(model.titles), rng.choice(model.titles))
    n_sentences = rng.choice(model.sentence_counts)
    if n_sentences <= 1:
        sentences = [rng.choice(model.middle)]
    else:
        sentences = [rng.choice(model.first)]
        sentences += [rng.choice(model.middle) for _ in range(n_sentences - 2)]
        sentences.append(rng.choice(model.last))
    abstract = wrap(" ".join(sentences), 79, "  ", "") + "\n"

    names = [rng.choice(model.names) for _ in range(rng.choice(model.author_counts))]
    display = [f"{n[1]} {n[0]}".strip() + (f" {n[2]}" if n[2] else "") for n in names]
    authors = display[0] if len(display) == 1 else ", ".join(display[:-1]) + " and " + display[-1]
    submitter = display[0] if rng.random() < 0.8 else rng.choice(display)

    pick = rng.randrange(model.paper_count)
    categories = model.categories[pick]
    comments = model.comments[rng.randrange(model.paper_count)]

    # v1 inside the id's month; later versions weeks to months apart.
    days_in_month = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.date(year, month, 1)).days
    t = dt.datetime(year, month, rng.randint(1, days_in_month), rng.randrange(24), rng.randrange(60), rng.randrange(60))
    versions = [{"version": "v1", "created": rfc5322(t)}]
    for v in range(2, rng.choice(model.version_counts) + 1):
        t += dt.timedelta(days=min(900.0, rng.expovariate(1 / 90.0)) + 1, seconds=rng.randrange(86400))
        versions.append({"version": f"v{v}", "created": rfc5322(t)})
    update = t.date()
    if rng.random() < 0.3:
        update += dt.timedelta(days=rng.randrange(1, 1500))
    update = min(max(update, t.date()), max(LATEST_DATE, t.date()))

    if year < 2010:
        license_value = None if rng.random() < 0.9 else LICENSES[0][0]
    else:
        license_value = model.license_values[bisect.bisect_right(model.license_cum, rng.randrange(model.license_cum[-1]))]

    return {
        "id": pid,
        "submitter": submitter,
        "authors": wrap(authors, 72, "", "  "),
        "title": wrap(title, 72, "", "  "),
        "comments": comments,
        "journal-ref": rng.choice(model.journal_refs) if rng.random() < model.p_journal_ref else None,
        "doi": rng.choice(model.dois) if rng.random() < model.p_doi else None,
        "report-no": rng.choice(model.report_nos) if rng.random() < model.p_report_no else None,
        "categories": categories,
        "license": license_value,
        "abstract": abstract,
        "versions": versions,
        "update_date": update.isoformat(),
        "authors_parsed": [[n[0], n[1], n[2]] for n in names],
    }


def make_block(args: tuple[int, int, int, int, int]) -> bytes:
    seed, block, begin, end, level = args
    rng = random.Random(f"paperfeed-corpus/{seed}/{block}")
    dumps = json.dumps
    text = "".join(dumps(make_paper(rng, MODEL, LAYOUT, i)) + "\n" for i in range(begin, end)).encode("utf-8")
    if level < 0:
        return text
    c = zlib.compressobj(level, zlib.DEFLATED, 31)  # one gzip member per block, mtime 0
    return c.compress(text) + c.flush()


def main() -> int:
    shared = default_shared_data()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--papers", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True, help="output file; gzip when it ends in .gz")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--level", type=int, default=2, help="gzip level (1 fastest)")
    ap.add_argument("--arxiv", default=os.path.join(shared, "arxiv", "arxiv-listings-2025-2026.jsonl.gz"))
    ap.add_argument("--snapshot", default=os.path.join(shared, "fixtures", "arxiv-bulk-snapshot-200.jsonl"))
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    if args.papers < 0:
        ap.error("--papers must be >= 0")

    global MODEL, LAYOUT
    start = time.monotonic()
    MODEL = Model(args.arxiv, args.snapshot)
    LAYOUT = Layout(args.papers, MODEL)
    learnt = time.monotonic() - start
    if not args.quiet:
        print(f"learnt from {MODEL.paper_count} real papers in {learnt:.1f}s: {len(MODEL.titles)} titles, "
              f"{len(MODEL.first) + len(MODEL.middle) + len(MODEL.last)} sentences, {len(MODEL.names)} author names",
              file=sys.stderr)

    level = args.level if args.out.endswith(".gz") else -1
    tasks = [(args.seed, b, b * BLOCK, min(args.papers, (b + 1) * BLOCK), level)
             for b in range((args.papers + BLOCK - 1) // BLOCK)]
    tmp = args.out + ".part"
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    done = 0
    with open(tmp, "wb") as out:
        if args.jobs <= 1:
            results = map(make_block, tasks)
            pool = None
        else:
            pool = mp.get_context("fork").Pool(args.jobs)
            results = _bounded_imap(pool, tasks, 2 * args.jobs)
        for i, chunk in enumerate(results):
            out.write(chunk)
            done = tasks[i][3]
            if not args.quiet and (i % 20 == 19 or done == args.papers):
                el = time.monotonic() - start - learnt
                print(f"\r{done}/{args.papers} papers, {done / max(el, 1e-9):,.0f}/s", end="", file=sys.stderr)
        if pool:
            pool.close()
            pool.join()
    os.replace(tmp, args.out)
    if not args.quiet:
        total = time.monotonic() - start
        print(f"\nwrote {args.papers} papers to {args.out} ({os.path.getsize(args.out) / 1e6:.1f} MB) in {total:.1f}s",
              file=sys.stderr)
    return 0


def _bounded_imap(pool, tasks, window):
    """Ordered results with at most `window` blocks in flight, so memory stays bounded."""
    pending = []
    it = iter(tasks)
    for task in it:
        pending.append(pool.apply_async(make_block, (task,)))
        if len(pending) >= window:
            break
    for task in it:
        yield pending.pop(0).get()
        pending.append(pool.apply_async(make_block, (task,)))
    while pending:
        yield pending.pop(0).get()


if __name__ == "__main__":
    sys.exit(main())
