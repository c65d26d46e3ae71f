// web/params: reading bounded query parameters, with errors that name the parameter.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "web/http.hpp"

namespace paperfeed::web {

// The integer parameter `name`, `fallback` when absent; kInvalidInput when not an integer in
// [min, max].
core::Result<int> IntParam(const Request& req, std::string_view name, int fallback, int min, int max);

// A search query from a request: trimmed, at most kMaxQueryBytes, control characters removed.
inline constexpr size_t kMaxQueryBytes = 500;
std::string CleanQuery(std::string_view raw);

// A category filter ("cs.LG", "cs", "hep-th"): letters, digits, '.', '-' only; empty when invalid.
std::string CleanCategory(std::string_view raw);

}  // namespace paperfeed::web
