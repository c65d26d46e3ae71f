#!/usr/bin/env python3
"""Builds a known-item search set in the BEIR layout from the arXiv listing file.

Each query is a paper's title, lightly perturbed the way people misremember titles: about a
quarter of the words dropped (at least two kept), case and TeX left as typed. The one relevant
document is the paper itself. The corpus is every paper of the file (or the first --papers),
title + abstract, so `paperfeed eval-ir OUT` measures how often the paper one means comes first.

  python3 bench/make_known_item_set.py                      # -> bench/out/known-item-arxiv
  python3 bench/make_known_item_set.py --queries 1000 --papers 75000 --seed 7 --out DIR
"""
import argparse
import gzip
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_INPUT = os.path.join(HERE, "..", "..", "shared", "data", "arxiv", "arxiv-listings-2025-2026.jsonl.gz")


def perturb(title, rng, drop):
    words = title.split()
    if len(words) <= 3:
        return " ".join(words)
    kept = [w for w in words if rng.random() >= drop]
    if len(kept) < 2:
        kept = rng.sample(words, 2)
        kept.sort(key=words.index)
    return " ".join(kept)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", default=DEFAULT_INPUT, help="arXiv bulk-layout JSON lines (.gz or plain)")
    ap.add_argument("--out", default=os.path.join(HERE, "out", "known-item-arxiv"))
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--papers", type=int, default=75000, help="corpus size cap (the file has 74,728)")
    ap.add_argument("--drop", type=float, default=0.25, help="probability of dropping each title word")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    opener = gzip.open if args.input.endswith(".gz") else open
    papers = []
    with opener(args.input, "rt", encoding="utf-8") as f:
        for line in f:
            if len(papers) >= args.papers:
                break
            r = json.loads(line)
            comments = (r.get("comments") or "").strip().lower()
            if comments.startswith("this paper has been withdrawn"):
                continue
            title = " ".join((r.get("title") or "").split())
            if not title:
                continue
            papers.append((r["id"], title, " ".join((r.get("abstract") or "").split())))

    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "corpus.jsonl"), "w", encoding="utf-8") as f:
        for pid, title, abstract in papers:
            f.write(json.dumps({"_id": pid, "title": title, "text": abstract}, ensure_ascii=False) + "\n")
    chosen = rng.sample(papers, min(args.queries, len(papers)))
    with open(os.path.join(args.out, "queries.jsonl"), "w", encoding="utf-8") as fq, \
         open(os.path.join(args.out, "qrels.tsv"), "w", encoding="utf-8") as fr:
        fr.write("query-id\tcorpus-id\tscore\n")
        for i, (pid, title, _) in enumerate(chosen):
            qid = "ki-%04d" % i
            fq.write(json.dumps({"_id": qid, "text": perturb(title, rng, args.drop)}, ensure_ascii=False) + "\n")
            fr.write("%s\t%s\t1\n" % (qid, pid))
    print("wrote %d papers and %d queries to %s" % (len(papers), len(chosen), args.out), file=sys.stderr)


if __name__ == "__main__":
    main()
