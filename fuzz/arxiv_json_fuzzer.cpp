// Fuzzes one line of the arXiv bulk dump (ArxivJsonParser::Parse).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/arxiv_id.hpp"
#include "ingest/arxiv_json_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static paperfeed::ingest::ArxivJsonParser parser;  // reused across inputs, as the ingester does
  auto record = parser.Parse(std::string_view(reinterpret_cast<const char*>(data), size));
  if (record.ok() && !paperfeed::core::IsArxivIdBase(record->paper.id)) std::abort();
  if (!record.ok() && record.error().message.empty()) std::abort();
  return 0;
}
