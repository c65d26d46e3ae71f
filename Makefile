# Convenience targets; the build itself is CMake (see README).

.PHONY: bench-ingest gen-corpus demo-data

# Ingest benchmark: paperfeed vs the plain Python reference loader, on the real 74,728-paper file
# and a generated 2.5M-paper dump (cached in bench/out/). BENCH_PAPERS=N for a quick run.
bench-ingest:
	bash bench/bench_ingest.sh

# The synthetic arXiv bulk dump alone: make gen-corpus PAPERS=2500000 SEED=1
PAPERS ?= 2500000
SEED ?= 1
gen-corpus:
	/usr/bin/python3 scripts/gen_arxiv_corpus.py --papers $(PAPERS) --seed $(SEED) \
	  --out bench/out/arxiv-synthetic-$(PAPERS)-seed$(SEED).jsonl.gz

# Recut data/demo/ from ../shared/data (deterministic; the result is committed).
demo-data:
	/usr/bin/python3 scripts/make_demo_slice.py
