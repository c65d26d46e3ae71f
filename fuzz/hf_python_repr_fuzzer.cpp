// Fuzzes the Python-literal reader that salvages repr-saved Hugging Face days: whatever it
// accepts must be valid JSON.
#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ingest/hf_python_repr.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto json = paperfeed::ingest::PythonLiteralToJson(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!json.ok()) return 0;
  static simdjson::dom::parser parser;
  simdjson::dom::element element;
  auto error = parser.parse(json.value()).get(element);
  // Invalid UTF-8 passes through the reader and is caught by the JSON parser, as in the real
  // path; any other failure means the reader wrote broken JSON. Numbers too large for 64 bits are
  // valid JSON that simdjson declines (NUMBER_ERROR).
  if (error != simdjson::SUCCESS && error != simdjson::UTF8_ERROR &&
      error != simdjson::NUMBER_ERROR && error != simdjson::DEPTH_ERROR)
    std::abort();
  return 0;
}
