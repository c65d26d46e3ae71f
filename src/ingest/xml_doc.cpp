#include "ingest/xml_doc.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace paperfeed::ingest::xml {
namespace {

// 1-based line and column of a byte offset, for error messages a person can act on.
std::string Position(std::string_view text, ptrdiff_t offset) {
  const size_t end = std::min(text.size(), static_cast<size_t>(std::max<ptrdiff_t>(offset, 0)));
  size_t line = 1, column = 1;
  for (size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// Iterative, not recursive: a hostile document may nest elements a million deep.
void AppendText(pugi::xml_node node, std::string& out) {
  pugi::xml_node current = node.first_child();
  while (current) {
    if (current.type() == pugi::node_pcdata || current.type() == pugi::node_cdata) out += current.value();
    if (current.type() == pugi::node_element && current.first_child()) {
      current = current.first_child();
      continue;
    }
    while (current != node && !current.next_sibling()) current = current.parent();
    if (current == node) break;
    current = current.next_sibling();
  }
}

}  // namespace

core::Result<Document> Document::Parse(std::string_view text) {
  Document document;
  document.doc_ = std::make_unique<pugi::xml_document>();
  // parse_default keeps CDATA and escapes and skips the DOCTYPE; parse_ws_pcdata is not wanted:
  // white space between elements carries nothing in these formats.
  const auto result = document.doc_->load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!result) {
    return core::MakeError(core::ErrorCode::kInvalidInput, std::string("not well-formed XML at ") +
                                                                Position(text, result.offset) + ": " +
                                                                result.description());
  }
  if (!document.root()) return core::MakeError(core::ErrorCode::kInvalidInput, "the XML document has no root element");
  return document;
}

std::string_view LocalName(pugi::xml_node node) {
  std::string_view name = node.name();
  auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

std::string_view NamespaceUri(pugi::xml_node node) {
  std::string_view name = node.name();
  auto colon = name.find(':');
  std::string attribute = colon == std::string_view::npos ? "xmlns" : "xmlns:" + std::string(name.substr(0, colon));
  if (attribute == "xmlns:xml") return "http://www.w3.org/XML/1998/namespace";
  for (pugi::xml_node n = node; n && n.type() == pugi::node_element; n = n.parent()) {
    if (pugi::xml_attribute a = n.attribute(attribute.c_str())) return a.value();
  }
  return {};
}

bool Is(pugi::xml_node node, std::string_view ns, std::string_view local) {
  return node.type() == pugi::node_element && LocalName(node) == local && NamespaceUri(node) == ns;
}

pugi::xml_node Child(pugi::xml_node parent, std::string_view ns, std::string_view local) {
  for (pugi::xml_node child = parent.first_child(); child; child = child.next_sibling()) {
    if (Is(child, ns, local)) return child;
  }
  return {};
}

std::string Text(pugi::xml_node node) {
  std::string out;
  AppendText(node, out);
  return out;
}

std::string TrimmedText(pugi::xml_node node) { return core::NormaliseWhitespace(Text(node)); }

}  // namespace paperfeed::ingest::xml
