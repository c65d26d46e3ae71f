#include "ingest/ingester.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include "core/progress.hpp"
#include "ingest/arxiv_json_parser.hpp"
#include "ingest/input_file.hpp"
#include "ingest/parsers.hpp"
#include "ingest/record_rules.hpp"

namespace paperfeed::ingest {
namespace {

namespace fs = std::filesystem;

// What the parsing thread hands the writing thread: records and errors of one stretch of input.
struct ParsedChunk {
  std::vector<IngestRecord> records;
  std::vector<RecordError> errors;
  uint64_t bytes_done = 0;
  bool last = false;
  std::string read_error;
};

// A bounded single-producer single-consumer queue: memory stays flat whatever the file size.
class ChunkQueue {
 public:
  explicit ChunkQueue(size_t capacity) : capacity_(capacity) {}
  void Push(ParsedChunk chunk) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return queue_.size() < capacity_ || cancelled_; });
    if (cancelled_) return;
    queue_.push_back(std::move(chunk));
    not_empty_.notify_one();
  }
  ParsedChunk Pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return !queue_.empty(); });
    ParsedChunk chunk = std::move(queue_.front());
    queue_.pop_front();
    not_full_.notify_one();
    return chunk;
  }
  void Cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    not_full_.notify_all();
  }
  bool cancelled() {
    std::lock_guard lock(mutex_);
    return cancelled_;
  }

 private:
  size_t capacity_;
  std::deque<ParsedChunk> queue_;
  std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
  bool cancelled_ = false;
};

// Notes kept beside data files (data/demo/LICENSE.md, README.md) are not input: a directory walk
// skips them, while a file named on the command line is always read.
bool IsDocumentation(const std::string& name) {
  auto ends = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends(".md") || ends(".txt") || name == "LICENSE" || name == "README";
}

bool IsBlank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

}  // namespace

core::Result<ExpandedPaths> ExpandPaths(const std::vector<std::string>& paths) {
  ExpandedPaths expanded;
  auto& files = expanded.files;
  for (const auto& path : paths) {
    std::error_code ec;
    auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      expanded.missing.push_back(path);
      continue;
    }
    if (fs::is_directory(status)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec)) {
        const auto name = it->path().filename().string();
        if (!name.empty() && name.front() == '.') {
          if (it->is_directory()) it.disable_recursion_pending();
          continue;
        }
        if (it->is_regular_file() && !IsDocumentation(name)) found.push_back(it->path().string());
      }
      if (ec) return core::MakeError(core::ErrorCode::kIo, path + ": cannot list directory (" + ec.message() + ")");
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(path);
    }
  }
  return expanded;
}

Ingester::Ingester(store::Catalogue& catalogue, IngestOptions options)
    : catalogue_(catalogue), options_(std::move(options)) {}

Ingester::~Ingester() = default;

void Ingester::OnRecord(IngestRecord&& record) {
  // Every parser's records pass the same rules before the catalogue (the bulk path applies them
  // in its parsing thread instead).
  if (auto prepared = PrepareRecord(record, options_.limits); !prepared) {
    OnError({current_source_, "paper " + record.paper.id, prepared.error().message});
    return;
  }
  pending_.push_back(std::move(record));
  if (pending_.size() >= options_.batch_size) {
    auto r = WriteBatch(pending_);
    pending_.clear();
    if (!r && !has_deferred_error_) {
      deferred_error_ = r.error();
      has_deferred_error_ = true;
    }
  }
}

void Ingester::OnError(RecordError&& error) {
  ++summary_.read;
  ++summary_.rejected;
  if (summary_.errors.size() < options_.max_reported_errors) {
    summary_.errors.push_back(std::move(error));
  } else {
    ++summary_.errors_not_listed;
  }
}

core::Result<void> Ingester::Flush() {
  if (has_deferred_error_) {
    has_deferred_error_ = false;
    return deferred_error_;
  }
  auto r = WriteBatch(pending_);
  pending_.clear();
  return r;
}

core::Result<void> Ingester::WriteBatch(std::vector<IngestRecord>& records) {
  if (records.empty()) return {};
  if (auto r = catalogue_.BeginBatch(); !r) return r;
  int64_t inserted = 0, updated = 0, unchanged = 0;
  std::vector<RecordError> rejected;
  for (auto& record : records) {
    auto outcome = catalogue_.UpsertPaper(record.paper);
    if (outcome && record.daily) {
      auto daily = catalogue_.UpsertDailyEntry(*record.daily);
      if (!daily) {
        outcome = daily.error();
      } else if (daily.value() != store::UpsertOutcome::kUnchanged && outcome.value() == store::UpsertOutcome::kUnchanged) {
        // The record as a whole is new or changed when its daily entry is.
        outcome = daily.value();
      }
    }
    if (!outcome) {
      if (outcome.error().code == core::ErrorCode::kUnavailable || outcome.error().code == core::ErrorCode::kIo) {
        catalogue_.RollbackBatch();
        return outcome.error();
      }
      rejected.push_back({"", "paper " + record.paper.id, outcome.error().message});
      continue;
    }
    switch (outcome.value()) {
      case store::UpsertOutcome::kInserted: ++inserted; break;
      case store::UpsertOutcome::kUpdated: ++updated; break;
      case store::UpsertOutcome::kUnchanged: ++unchanged; break;
    }
  }
  if (auto r = catalogue_.CommitBatch(); !r) {
    catalogue_.RollbackBatch();
    return r;
  }
  // Counted only once committed, so the counts of a run always match what is in the store.
  summary_.read += inserted + updated + unchanged;
  summary_.inserted += inserted;
  summary_.updated += updated;
  summary_.unchanged += unchanged;
  for (auto& e : rejected) OnError(std::move(e));
  return {};
}

core::Result<void> Ingester::IngestPaths(const std::vector<std::string>& paths) {
  auto start = std::chrono::steady_clock::now();
  auto expanded = ExpandPaths(paths);
  if (!expanded) return expanded.error();
  // A mistyped path is named like any unreadable input; the other paths are still read.
  for (const auto& path : expanded->missing) {
    OnError({path, "", "no such file or directory (check the path; directories are read recursively)"});
  }
  const auto* files = &expanded->files;
  core::Result<void> result;
  {
    std::unique_ptr<core::ProgressBar> bar;
    if (options_.progress && files->size() > 1) {
      bar = std::make_unique<core::ProgressBar>("ingest", files->size(), " files");
    }
    size_t done = 0;
    for (const auto& file : *files) {
      result = IngestFile(file);
      if (!result) break;
      if (bar) bar->Update(++done);
    }
    if (result) result = Flush();
  }
  summary_.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

core::Result<void> Ingester::IngestFile(const std::string& path) {
  InputFormat format = options_.format;
  if (format == InputFormat::kAuto || format == InputFormat::kArxivJson) {
    auto reader = LineReader::Open(path, options_.max_line_bytes);
    if (!reader) return reader.error();
    if (format == InputFormat::kAuto) {
      // Sniff the first lines (decompressed) to pick the parser.
      std::string head;
      std::string_view line;
      while (head.size() < 4096 && reader.value()->Next(line)) {
        head.append(line);
        head.push_back('\n');
      }
      format = DetectFormat(head);
      if (format == InputFormat::kAuto) {
        OnError({path, "", "cannot tell the format from the content (expected arXiv JSON lines, Atom, OAI-PMH XML or "
                           "Hugging Face daily JSON); pass --format"});
        return {};
      }
    }
  }
  if (format == InputFormat::kArxivJson) return IngestJsonLines(path);
  auto document = ReadWholeFile(path, options_.max_document_bytes);
  if (!document) {
    OnError({path, "", document.error().message});
    return {};
  }
  return IngestDocument(document.value(), path, format);
}

core::Result<void> Ingester::IngestDocument(std::string_view document, const std::string& source, InputFormat format) {
  current_source_ = source;
  struct ClearSource {
    std::string& source;
    ~ClearSource() { source.clear(); }
  } clear_source{current_source_};
  if (format == InputFormat::kAuto) format = DetectFormat(document.substr(0, 4096));
  switch (format) {
    case InputFormat::kAtom: ParseArxivAtom(document, source, *this); break;
    case InputFormat::kOai: {
      auto page = ParseOaiListRecords(document, source, *this);
      if (page.error_code && *page.error_code != "noRecordsMatch") {
        OnError({source, "", "OAI-PMH error " + *page.error_code + ": " + page.error_message});
      }
      break;
    }
    case InputFormat::kHfDaily:
      ParseHfDaily(document, source, *this, HfDailyOptions{.salvage_python_repr = options_.salvage_python_repr});
      break;
    case InputFormat::kArxivJson: {
      ArxivJsonParser parser;
      size_t line_number = 0;
      while (!document.empty()) {
        auto nl = document.find('\n');
        auto line = document.substr(0, nl);
        ++line_number;
        if (!IsBlank(line)) {
          auto record = parser.Parse(line);
          if (record) OnRecord(std::move(record.value()));
          else OnError({source, "line " + std::to_string(line_number), record.error().message});
        }
        if (nl == std::string_view::npos) break;
        document.remove_prefix(nl + 1);
      }
      break;
    }
    case InputFormat::kAuto:
      OnError({source, "", "cannot tell the format from the content; pass --format"});
      break;
  }
  if (has_deferred_error_) return Flush();
  return {};
}

// The bulk dump is gigabytes: one thread decompresses and parses while this one writes, with
// at most a few chunks in flight so that memory does not grow with the file.
core::Result<void> Ingester::IngestJsonLines(const std::string& path) {
  if (auto r = Flush(); !r) return r;
  auto opened = LineReader::Open(path, options_.max_line_bytes);
  if (!opened) return opened.error();
  std::unique_ptr<LineReader> reader = std::move(opened.value());
  const uint64_t total_bytes = reader->file_size();
  ChunkQueue queue(4);
  const size_t chunk_records = options_.batch_size;

  // Written batches go back to the parsing thread to be freed there: glibc frees a block fastest
  // in the thread that allocated it, and the writing thread is the pipeline's bottleneck.
  std::mutex spent_mutex;
  std::vector<std::vector<IngestRecord>> spent;
  std::thread producer([&] {
    ArxivJsonParser parser;
    auto free_spent = [&] {
      std::vector<std::vector<IngestRecord>> garbage;
      {
        std::lock_guard lock(spent_mutex);
        garbage.swap(spent);
      }
    };
    ParsedChunk chunk;
    std::string_view line;
    while (reader->Next(line)) {
      if (!reader->line_too_long() && IsBlank(line)) continue;
      core::Result<IngestRecord> record =
          reader->line_too_long()
              ? core::Result<IngestRecord>(core::MakeError(
                    core::ErrorCode::kInvalidInput,
                    "the line has " + std::to_string(reader->skipped_line_bytes()) + " bytes, over the limit of " +
                        std::to_string(reader->max_line_bytes()) + "; skipped without reading it into memory"))
              : parser.Parse(line);
      if (record) {
        if (auto prepared = PrepareRecord(record.value(), options_.limits); !prepared) record = prepared.error();
      }
      if (record) {
        chunk.records.push_back(std::move(record.value()));
      } else {
        chunk.records.emplace_back();  // keeps input order: an empty id marks "error here"
        chunk.records.back().paper.id.clear();
        chunk.errors.push_back({path, "line " + std::to_string(reader->line_number()), record.error().message});
      }
      if (chunk.records.size() >= chunk_records) {
        chunk.bytes_done = reader->compressed_offset();
        queue.Push(std::move(chunk));
        if (queue.cancelled()) return;
        chunk = ParsedChunk{};
        free_spent();
      }
    }
    chunk.bytes_done = total_bytes;
    chunk.last = true;
    chunk.read_error = reader->read_error();
    queue.Push(std::move(chunk));
  });

  core::Result<void> result;
  {
    std::unique_ptr<core::ProgressBar> bar;
    if (options_.progress) bar = std::make_unique<core::ProgressBar>(fs::path(path).filename().string(), total_bytes, "B");
    for (;;) {
      ParsedChunk chunk = queue.Pop();
      // Records and errors go out in input order: errors sit where their placeholder records are.
      std::vector<IngestRecord> good;
      good.reserve(chunk.records.size());
      size_t next_error = 0;
      for (auto& record : chunk.records) {
        if (record.paper.id.empty()) {
          OnError(std::move(chunk.errors[next_error++]));
        } else {
          good.push_back(std::move(record));
        }
      }
      result = WriteBatch(good);
      {
        std::lock_guard lock(spent_mutex);
        spent.push_back(std::move(good));
      }
      if (!result) {
        queue.Cancel();
        break;
      }
      if (bar) bar->Update(chunk.bytes_done);
      if (chunk.last) {
        if (!chunk.read_error.empty()) OnError({path, "", chunk.read_error});
        break;
      }
    }
  }
  producer.join();
  return result;
}

}  // namespace paperfeed::ingest
