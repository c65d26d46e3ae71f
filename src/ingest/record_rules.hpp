// ingest/record_rules: what every record satisfies before it reaches the catalogue, whatever its
// source (arXiv JSON, Atom, OAI-PMH, Hugging Face daily): clean text (core::SanitiseText) and
// fields of sane size.
#pragma once

#include "core/result.hpp"
#include "ingest/record.hpp"

namespace paperfeed::ingest {

// How large one record's fields may be. The real data is far below: of the 74,728 papers of
// 2025–2026 the longest title has 226 bytes, the longest abstract 3,488 (arXiv now caps abstracts
// at 1,920 characters), the longest author list 3,303 names (ATLAS; the largest on arXiv has about
// 5,100), the longest comment 431 bytes.
struct RecordLimits {
  size_t max_title_bytes = 2'000;
  size_t max_abstract_bytes = 100'000;
  size_t max_authors = 10'000;
  size_t max_name_bytes = 1'000;         // one author, submitter or daily-list submitter
  size_t max_categories = 100;
  size_t max_field_bytes = 10'000;       // comments, journal-ref, DOI, license, links, dates, ids
};

// Cleans every text field in place: the abstract keeps its line breaks, every other field is one
// line. Then refuses a record whose title or id is empty once cleaned, or with a field over
// `limits`; the error names the field and its size.
core::Result<void> PrepareRecord(IngestRecord& record, const RecordLimits& limits = {});

}  // namespace paperfeed::ingest
