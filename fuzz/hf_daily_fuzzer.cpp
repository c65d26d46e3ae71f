// Fuzzes Hugging Face daily_papers responses (ParseHfDaily), with and without repr salvage.
#include <cstdint>
#include <string_view>

#include "fuzz_sink.hpp"
#include "ingest/parsers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  paperfeed::fuzz::CheckingSink sink;
  paperfeed::ingest::ParseHfDaily(text, "fuzz/2025-01-31.json", sink);
  paperfeed::ingest::HfDailyOptions salvage;
  salvage.salvage_python_repr = true;
  paperfeed::ingest::ParseHfDaily(text, "fuzz", sink, salvage);
  return 0;
}
