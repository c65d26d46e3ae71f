# Convenience targets; the build itself is CMake (see README).

.PHONY: bench-ingest gen-corpus demo-data fuzz

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

# libFuzzer targets for every parser, the TeX and comment renderers and the request router (clang, ASan + UBSan in build-fuzz): make fuzz FUZZ_SECONDS=180
FUZZ_SECONDS ?= 60
fuzz:
	bash scripts/fuzz.sh $(FUZZ_SECONDS)

# Web benchmark: wrk (64 connections) against paperfeed serve beside nginx serving the same front
# page as a static file, on the demo data and the 74,728-paper catalogue. DATASETS=demo for one.
bench-web:
	bash bench/bench_web.sh

# Mail benchmark: render and send 10,000 digests to a local SMTP server (aiosmtpd) — digests/s end
# to end, render-only rate, peak RSS, with and without SMTP connection reuse. DIGESTS=N, TOPICS=0.
# Soak benchmark (not in CI): wrk on pages and search, slow clients, a big ingest, upvoters and
# commenters with tokens, and a kill -9 of serve, for MINUTES (default 3); checks acknowledged writes.
.PHONY: bench-soak
bench-soak:
	bash bench/bench_soak.sh

.PHONY: bench-mail
bench-mail:
	bash bench/bench_mail.sh

# Search benchmark: paperfeed keyword / hybrid / similar against SQLite FTS5 and Xapian, top-10,
# one thread, the 1,000 latency queries, on the real 74,728-paper file and a generated 2.5 M dump.
# BENCH_PAPERS=N, BENCH_CORPORA="real gen", BENCH_PEERS="fts5 xapian".
.PHONY: bench-search
bench-search:
	bash bench/bench_search.sh

# Pretrained-model embedding benchmark: bge-small-en-v1.5's shapes with random weights, papers of
# 256 tokens on 2 threads, short-query latency, OpenBLAS's sgemm rate beside it, load average.
.PHONY: bench-embed-model
bench-embed-model:
	cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DPAPERFEED_BENCH=ON >/dev/null
	ninja -C build-release bench_embed_model >/dev/null
	nice ./build-release/bench/bench_embed_model --threads 2 --papers 64 --batch 32
