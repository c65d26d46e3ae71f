// search/matcher/cursor: a posting cursor over one term's list in one segment, decoding one
// 128-document block at a time, with the per-block score bounds block-max pruning reads.
//
// Inline on purpose: Next, Advance and Score run for every candidate of every query.
#pragma once

#include <algorithm>
#include <cstdint>

#include "search/segment.hpp"

namespace paperfeed::search::matcher {

struct Cursor {
  PostingList list;
  float weight = 0;     // idf * (k1 + 1) / 255 * query-term frequency
  float max_score = 0;  // weight * the list's largest impact
  uint32_t block = 0, shallow = 0, n = 0, i = 0;
  uint32_t doc = kNoDoc;
  // The current block's last doc and score bound, kept here: read for every candidate.
  uint32_t block_last = 0;
  float block_max = 0;
  uint32_t docs[kBlockSize];
  uint8_t impacts[kBlockSize];

  void Init() {
    if (list.df == 0) return;
    Load(0);
  }
  void Load(uint32_t b) {
    n = DecodeBlock(list, b, docs, impacts);
    block = b;
    block_last = list.blocks[b].last_doc;
    block_max = weight * static_cast<float>(list.blocks[b].max_impact);
    shallow = std::max(shallow, b);
    i = 0;
    doc = docs[0];
  }
  void Next() {
    if (++i < n) {
      doc = docs[i];
    } else if (block + 1 < list.num_blocks()) {
      Load(block + 1);
    } else {
      doc = kNoDoc;
    }
  }
  // The first block at or after `from` whose last doc is >= target (galloping, then bisection).
  uint32_t FindBlock(uint32_t from, uint32_t target) const {
    const uint32_t nb = list.num_blocks();
    uint32_t lo = from, step = 1, hi = from;
    while (hi < nb && list.blocks[hi].last_doc < target) {
      lo = hi + 1;
      hi += step;
      step *= 2;
    }
    hi = std::min(hi, nb);
    while (lo < hi) {
      uint32_t mid = lo + (hi - lo) / 2;
      if (list.blocks[mid].last_doc < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  // Moves to the first posting >= target (kNoDoc past the end).
  void Advance(uint32_t target) {
    if (doc >= target) return;
    if (block_last < target) {
      uint32_t b = FindBlock(block + 1, target);
      if (b >= list.num_blocks()) {
        doc = kNoDoc;
        return;
      }
      Load(b);
    }
    while (docs[i] < target) ++i;
    doc = docs[i];
  }
  float Score() const { return weight * static_cast<float>(impacts[i]); }
  float CurrentBlockMax() const { return block_max; }
  // The largest score this list can give `target`, without decoding (block-max, Ding & Suel 2011).
  float BlockMaxAt(uint32_t target) {
    if (target <= block_last && target >= (block == 0 ? 0 : list.blocks[block - 1].last_doc + 1)) return block_max;
    shallow = FindBlock(std::max(shallow, block), target);
    if (shallow >= list.num_blocks()) return 0;
    return weight * static_cast<float>(list.blocks[shallow].max_impact);
  }
};

}  // namespace paperfeed::search::matcher
