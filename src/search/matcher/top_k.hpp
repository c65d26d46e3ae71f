// search/matcher/top_k: the `depth` best (score, doc_id) pairs seen so far, and the threshold a
// new document must beat to enter them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <queue>
#include <vector>

namespace paperfeed::search::matcher {

class TopK {
 public:
  struct Entry {
    float score;
    int64_t doc_id;
  };

  explicit TopK(int depth) : depth_(static_cast<size_t>(depth)) {}

  // A score the depth-th best is known to reach (the champions' seed); lower ones are skipped.
  void RaiseFloor(float floor) { floor_ = std::max(floor_, floor); }
  // The score to beat: the depth-th best so far once the top is full, else the floor.
  float Threshold() const { return heap_.size() < depth_ ? floor_ : std::max(floor_, heap_.top().score); }
  // Whether documents can be skipped at all: a floor is known or the top is full.
  bool Pruning() const { return floor_ > 0.0f || heap_.size() >= depth_; }
  // Offers a document; true when it entered the top. Ties go to the lower doc_id.
  bool Offer(float score, int64_t doc_id) {
    if (heap_.size() < depth_) {
      heap_.push({score, doc_id});
      return true;
    }
    const auto& top = heap_.top();
    if (score > top.score || (score == top.score && doc_id < top.doc_id)) {
      heap_.pop();
      heap_.push({score, doc_id});
      return true;
    }
    return false;
  }
  // The entries, best first; empties the collector.
  std::vector<Entry> Drain() {
    std::vector<Entry> out;
    out.reserve(heap_.size());
    while (!heap_.empty()) {
      out.push_back(heap_.top());
      heap_.pop();
    }
    std::reverse(out.begin(), out.end());
    return out;
  }

 private:
  // The heap's top is the entry that leaves first: lowest score, then highest doc_id.
  struct Order {
    bool operator()(const Entry& a, const Entry& b) const {
      return a.score != b.score ? a.score > b.score : a.doc_id < b.doc_id;
    }
  };
  size_t depth_;
  float floor_ = 0.0f;
  std::priority_queue<Entry, std::vector<Entry>, Order> heap_;
};

}  // namespace paperfeed::search::matcher
