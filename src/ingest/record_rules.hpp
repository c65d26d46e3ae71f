// ingest/record_rules: what every record satisfies before it reaches the catalogue, whatever its
// source (arXiv JSON, Atom, OAI-PMH, Hugging Face daily): clean text (core::SanitiseText).
#pragma once

#include "core/result.hpp"
#include "ingest/record.hpp"

namespace paperfeed::ingest {

// Cleans every text field in place: the abstract keeps its line breaks, every other field is one
// line. A record whose title or id is empty once cleaned is refused; the error names the field.
core::Result<void> PrepareRecord(IngestRecord& record);

}  // namespace paperfeed::ingest
