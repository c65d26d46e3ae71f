// fuzz/fuzz_sink: a sink that checks what every parser promises about its output, so the fuzzers
// find wrong records as well as crashes.
#pragma once

#include <cstdlib>

#include "core/arxiv_id.hpp"
#include "ingest/record.hpp"

namespace paperfeed::fuzz {

class CheckingSink final : public ingest::RecordSink {
 public:
  void OnRecord(ingest::IngestRecord&& record) override {
    const auto& p = record.paper;
    // A record always names a valid arXiv id without version, and versions ascend.
    if (!core::IsArxivIdBase(p.id)) std::abort();
    for (size_t i = 1; i < p.versions.size(); ++i)
      if (p.versions[i].number <= p.versions[i - 1].number) std::abort();
    if (record.daily && record.daily->paper_id != p.id) std::abort();
  }
  void OnError(ingest::RecordError&& error) override {
    if (error.reason.empty()) std::abort();  // every rejection says why
  }
};

}  // namespace paperfeed::fuzz
