// ingest/xml_doc: the one door to pugixml — parsing with located errors and namespace-aware lookups.
#pragma once

#include <pugixml.hpp>

#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace paperfeed::ingest::xml {

// A parsed document. pugixml expands only the five predefined entities and character references,
// never external or DTD-declared ones, so hostile input cannot pull in files or blow up (XXE,
// "billion laughs").
class Document {
 public:
  // Parses `text`; on failure the error names the line and column and pugixml's reason.
  static core::Result<Document> Parse(std::string_view text);
  pugi::xml_node root() const { return doc_->document_element(); }

 private:
  std::unique_ptr<pugi::xml_document> doc_;
};

// The part of an element's name after the prefix: "entry" for both <entry> and <atom:entry>.
std::string_view LocalName(pugi::xml_node node);

// The namespace URI an element's prefix is bound to, found by walking up the xmlns declarations
// (Namespaces in XML 1.0, section 6.2). Empty when unbound.
std::string_view NamespaceUri(pugi::xml_node node);

// True when `node` is an element named `local` in namespace `ns`.
bool Is(pugi::xml_node node, std::string_view ns, std::string_view local);

// The first child element named `local` in namespace `ns`, or an empty node.
pugi::xml_node Child(pugi::xml_node parent, std::string_view ns, std::string_view local);

// All character data inside `node` (text and CDATA of every descendant), in document order.
std::string Text(pugi::xml_node node);

// Text() with white space collapsed and trimmed.
std::string TrimmedText(pugi::xml_node node);

// Iterates the child elements of `parent` named `local` in namespace `ns`.
template <typename F>
void ForEachChild(pugi::xml_node parent, std::string_view ns, std::string_view local, F&& f) {
  for (pugi::xml_node child = parent.first_child(); child; child = child.next_sibling()) {
    if (Is(child, ns, local)) f(child);
  }
}

}  // namespace paperfeed::ingest::xml
