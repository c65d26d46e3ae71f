# Writes OUT: a C++ file holding each file of FILES (a ;-list) as a raw string literal, so the
# binary serves its CSS/JS/SVG without a static folder. Run at build time (add_custom_command).
set(body "// Generated from src/web/static by embed_assets.cmake; do not edit.\n#include \"web/static_assets.hpp\"\n\nnamespace paperfeed::web {\n\nconst std::vector<EmbeddedAsset>& EmbeddedAssets() {\n  static const std::vector<EmbeddedAsset> kAssets = {\n")
foreach(f ${FILES})
  get_filename_component(name ${f} NAME)
  file(READ ${f} content)
  string(APPEND body "    {\"${name}\", R\"PFASSET(${content})PFASSET\"},\n")
endforeach()
string(APPEND body "  };\n  return kAssets;\n}\n\n}  // namespace paperfeed::web\n")
file(WRITE ${OUT}.tmp "${body}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUT}.tmp ${OUT})
