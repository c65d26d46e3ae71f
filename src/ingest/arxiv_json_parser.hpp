// ingest/arxiv_json_parser: one line of arXiv's bulk metadata dump (arxiv-metadata-oai-snapshot) -> a paper.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "ingest/record.hpp"

namespace paperfeed::ingest {

// Parses JSON lines of the bulk dump. Reuses its buffers across lines: one per thread.
class ArxivJsonParser {
 public:
  ArxivJsonParser();
  ~ArxivJsonParser();
  ArxivJsonParser(const ArxivJsonParser&) = delete;
  ArxivJsonParser& operator=(const ArxivJsonParser&) = delete;

  // The record on `line`, or an error whose message names the field at fault.
  core::Result<IngestRecord> Parse(std::string_view line);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Builds "Forenames Keyname Suffix" from authors_parsed's [keyname, forenames, suffix].
std::string AuthorDisplayName(std::string_view keyname, std::string_view forenames, std::string_view suffix);

}  // namespace paperfeed::ingest
