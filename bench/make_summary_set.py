#!/usr/bin/env python3
"""Builds a BEIR-layout "vague description -> paper" set from the shared data.

Corpus: every paper of ../shared/data/arxiv (title + abstract).
Queries: Hugging Face's one-sentence `ai_summary` of daily papers that are also in the arXiv file.
The summaries are machine paraphrases of the abstract: they name the idea in other words more often
than a title does, so they test the semantic side where a title -> paper set tests exact matching.
One relevant paper per query (known-item). Deterministic: a fixed seed picks the sample.

With --vague, words a reader would not remember verbatim are dropped from each summary: the
method's coined name and acronyms (a capital after the first letter: "TinyV", "LLM", "MathIF")
and anything with a digit. The plain summaries are nearly solved by BM25 (nDCG@10 0.99), since
they repeat the paper's name; the vague ones ask for the idea in other words.

usage: bench/make_summary_set.py OUT_DIR [--queries N] [--vague] [--data ../shared/data]
"""
import argparse, glob, gzip, json, os, random, re


def vague(text):
    words = [w for w in text.split() if not re.search(r"\d", w) and not re.search(r"[A-Z]", w[1:])]
    return " ".join(words)

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--queries", type=int, default=1000)
ap.add_argument("--vague", action="store_true")
ap.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../shared/data"))
a = ap.parse_args()

os.makedirs(a.out, exist_ok=True)
ids = set()
with gzip.open(os.path.join(a.data, "arxiv/arxiv-listings-2025-2026.jsonl.gz"), "rt") as f, \
        open(os.path.join(a.out, "corpus.jsonl"), "w") as out:
    for line in f:
        r = json.loads(line)
        ids.add(r["id"])
        out.write(json.dumps({"_id": r["id"], "title": " ".join(r["title"].split()),
                              "text": " ".join(r["abstract"].split())}) + "\n")

summaries = {}
for path in sorted(glob.glob(os.path.join(a.data, "hf-daily-papers/*.json"))):
    try:
        day = json.load(open(path))
    except ValueError:
        continue
    if not isinstance(day, list):
        continue  # the malformed files (see the data README) are skipped here
    for e in day:
        if isinstance(e, dict) and e.get("paper", {}).get("ai_summary") and e["paper"]["id"] in ids:
            summaries[e["paper"]["id"]] = " ".join(e["paper"]["ai_summary"].split())

picked = sorted(summaries)
random.Random(20250603).shuffle(picked)
picked = sorted(picked[: a.queries])
with open(os.path.join(a.out, "queries.jsonl"), "w") as q, open(os.path.join(a.out, "qrels.tsv"), "w") as r:
    r.write("query-id\tcorpus-id\tscore\n")
    for i, pid in enumerate(picked):
        text = vague(summaries[pid]) if a.vague else summaries[pid]
        q.write(json.dumps({"_id": f"s{i}", "text": text}) + "\n")
        r.write(f"s{i}\t{pid}\t1\n")
print(f"{len(ids)} papers, {len(picked)} queries of {len(summaries)} candidates -> {a.out}")
