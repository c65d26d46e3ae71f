// ingest/record: what every parser produces — records for the catalogue, and errors that name their place.
#pragma once

#include <optional>
#include <string>

#include "core/paper.hpp"

namespace paperfeed::ingest {

// One parsed record: a paper and, for daily-list sources, its daily entry.
struct IngestRecord {
  core::Paper paper;
  std::optional<core::DailyEntry> daily;
};

// A record or file that was rejected. `source` is the file path or URL; `location` is
// "line 12", "record 3", "oai:arXiv.org:2501.01234" or "" for the whole file.
struct RecordError {
  std::string source;
  std::string location;
  std::string reason;
};

// Where parsers deliver their output, one call per record or error, in input order.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void OnRecord(IngestRecord&& record) = 0;
  virtual void OnError(RecordError&& error) = 0;
};

// Input formats `paperfeed ingest --format` accepts.
enum class InputFormat { kAuto, kArxivJson, kAtom, kOai, kHfDaily };

}  // namespace paperfeed::ingest
