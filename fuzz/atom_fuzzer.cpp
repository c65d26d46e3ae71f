// Fuzzes arXiv API Atom responses (ParseArxivAtom).
#include <cstdint>
#include <string_view>

#include "fuzz_sink.hpp"
#include "ingest/parsers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  paperfeed::fuzz::CheckingSink sink;
  paperfeed::ingest::ParseArxivAtom(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz", sink);
  return 0;
}
