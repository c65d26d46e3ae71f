// ingest/ingester: files and directories in any supported format -> the catalogue, in crash-safe batches.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "ingest/input_file.hpp"
#include "ingest/record.hpp"
#include "ingest/record_rules.hpp"
#include "store/catalogue.hpp"

namespace paperfeed::ingest {

struct IngestOptions {
  InputFormat format = InputFormat::kAuto;
  size_t batch_size = 4000;        // records per transaction
  bool progress = true;            // draw a progress bar when stderr is a terminal
  size_t max_reported_errors = 1000;
  // Hugging Face days archived as Python repr() strings: rejected with one message per file by
  // default (a broken fetcher should be noticed), converted with a strict reader when true.
  bool salvage_python_repr = false;
  // Bounds on hostile input: a longer line of a JSON-lines file is skipped and reported by file
  // and line, a larger document file is refused, a record with a larger field is rejected.
  size_t max_line_bytes = kDefaultMaxLineBytes;
  size_t max_document_bytes = kDefaultMaxDocumentBytes;
  RecordLimits limits;
};

// Counts of one run. read = inserted + updated + unchanged + rejected.
struct IngestSummary {
  int64_t read = 0;
  int64_t inserted = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
  int64_t rejected = 0;
  std::vector<RecordError> errors;  // the first max_reported_errors errors, in input order
  int64_t errors_not_listed = 0;
  double seconds = 0;
};

// Feeds records into the catalogue. Each batch is one transaction, so a crash loses at most
// the uncommitted batch, and rerunning the same input finishes the work: what was committed
// comes back as "unchanged".
class Ingester final : public RecordSink {
 public:
  Ingester(store::Catalogue& catalogue, IngestOptions options);
  ~Ingester() override;

  // Ingests every file named, walking directories in name order.
  core::Result<void> IngestPaths(const std::vector<std::string>& paths);
  // Ingests one in-memory document (a live API response) named `source`.
  core::Result<void> IngestDocument(std::string_view document, const std::string& source, InputFormat format);
  // Writes what is buffered. Called by IngestPaths/IngestDocument; call it after feeding records directly.
  core::Result<void> Flush();

  void OnRecord(IngestRecord&& record) override;
  void OnError(RecordError&& error) override;

  const IngestSummary& summary() const { return summary_; }

 private:
  core::Result<void> IngestFile(const std::string& path);
  core::Result<void> IngestJsonLines(const std::string& path);
  core::Result<void> WriteBatch(std::vector<IngestRecord>& records);

  store::Catalogue& catalogue_;
  IngestOptions options_;
  IngestSummary summary_;
  std::vector<IngestRecord> pending_;
  std::string current_source_;  // the document being parsed, for errors raised in OnRecord
  core::Error deferred_error_;
  bool has_deferred_error_ = false;
};

// Expands files and directories into the sorted list of files to ingest. A path that does not
// exist goes to `missing` (the others are still read); an unlistable directory is an error.
struct ExpandedPaths {
  std::vector<std::string> files;
  std::vector<std::string> missing;
};
core::Result<ExpandedPaths> ExpandPaths(const std::vector<std::string>& paths);

}  // namespace paperfeed::ingest
