// ingest/hf_python_repr: a strict reader of Python literals (repr() of dicts, lists, str, numbers,
// True/False/None) that rewrites them as JSON, to salvage Hugging Face days archived as repr strings.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace paperfeed::ingest {

// Converts one Python literal to the equivalent JSON text. Accepts exactly what repr() prints for
// dict / list / tuple / str / int / float / bool / None (the grammar of ast.literal_eval minus
// sets, bytes and complex numbers); anything else is an error naming the byte offset, so nothing
// half-understood is ever turned into data.
core::Result<std::string> PythonLiteralToJson(std::string_view text);

}  // namespace paperfeed::ingest
