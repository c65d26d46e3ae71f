// ingest/parsers: the whole-document parsers (Atom, OAI-PMH, Hugging Face daily) and format detection.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ingest/record.hpp"

namespace paperfeed::ingest {

// arXiv API responses: Atom 1.0 with the opensearch and arxiv namespaces
// (https://info.arxiv.org/help/api/user-manual.html). One record per <entry>.
void ParseArxivAtom(std::string_view xml, const std::string& source, RecordSink& sink);

// What an OAI-PMH response says beside its records (OAI-PMH 2.0, section 3.5 flow control).
struct OaiPage {
  std::optional<std::string> resumption_token;  // absent or empty: the list is complete
  std::optional<std::string> error_code;        // <error code="noRecordsMatch"> etc., or "malformedResponse"
                                                // when the document is not a readable OAI-PMH response
  std::string error_message;
  std::string response_date;
  std::optional<std::string> latest_datestamp;  // the newest record datestamp seen on this page
  std::optional<int64_t> complete_list_size;
};

// OAI-PMH ListRecords (or GetRecord) with metadataPrefix arXiv or arXivRaw. Deleted records are
// skipped; a record that fails to parse is reported to `sink` by its OAI identifier. Errors of the
// whole response (OAI-PMH <error>, broken XML) come back in the page, not through `sink`.
OaiPage ParseOaiListRecords(std::string_view xml, const std::string& source, RecordSink& sink);

// How to treat Hugging Face files that are not the API's JSON.
struct HfDailyOptions {
  // Some archived days hold Python repr() strings of the entries instead of JSON objects. false:
  // reject such a file with one message; true: convert them with a strict Python-literal reader.
  bool salvage_python_repr = false;
};

// Hugging Face GET /api/daily_papers?date= responses: a JSON array of daily entries (or the
// {status, date, count, data} wrapper some archivers write). The daily-list day is the date the
// response was fetched for, read from `source` (".../2025-01-31.json" or "...?date=2025-01-31");
// without one, the UTC date of paper.submittedOnDailyAt, else of the entry's publishedAt.
// A bad entry is reported as "record N" (1-based) and the others are kept.
void ParseHfDaily(std::string_view json, const std::string& source, RecordSink& sink);
void ParseHfDaily(std::string_view json, const std::string& source, RecordSink& sink, const HfDailyOptions& options);

// Guesses the format from the first bytes of a (decompressed) document.
InputFormat DetectFormat(std::string_view head);

std::string_view FormatName(InputFormat format);
std::optional<InputFormat> ParseFormatName(std::string_view name);

}  // namespace paperfeed::ingest
