// Fuzzes OAI-PMH ListRecords / GetRecord responses (ParseOaiListRecords).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz_sink.hpp"
#include "ingest/parsers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  paperfeed::fuzz::CheckingSink sink;
  auto page = paperfeed::ingest::ParseOaiListRecords(std::string_view(reinterpret_cast<const char*>(data), size),
                                                     "fuzz", sink);
  // An empty token would read as "more to come" to a harvester that only checks has_value().
  if (page.resumption_token && page.resumption_token->empty()) std::abort();
  return 0;
}
