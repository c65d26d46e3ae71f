// web/static_assets: the CSS, JS and icons of src/web/static, compiled into the binary.
#pragma once

#include <string_view>
#include <vector>

namespace paperfeed::web {

struct EmbeddedAsset {
  std::string_view name;  // "style.css"
  std::string_view data;
};

// Defined in the generated static_assets_data.cpp.
const std::vector<EmbeddedAsset>& EmbeddedAssets();

}  // namespace paperfeed::web
