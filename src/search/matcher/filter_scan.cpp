#include "search/matcher/filter_scan.hpp"

namespace paperfeed::search::matcher {

void ScanFilterOnly(const Segment& segment, const DocFilter& filter, Constraints& constraints,
                    const std::function<bool(int64_t)>& accept, TopK& top) {
  Cursor* lead = constraints.RarestRequired();
  uint32_t doc = lead ? lead->doc : 0;
  while (doc != kNoDoc && doc < segment.num_docs()) {
    uint32_t skip = constraints.Skip(doc);
    if (skip == 0) {
      if (filter.Passes(doc) && (!accept || accept(segment.doc_id(doc)))) {
        top.Offer(static_cast<float>(segment.day(doc)), segment.doc_id(doc));
      }
      skip = doc + 1;
    }
    if (lead) {
      lead->Advance(skip);
      doc = lead->doc;
    } else {
      doc = skip;
    }
  }
}

}  // namespace paperfeed::search::matcher
