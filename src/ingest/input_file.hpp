// ingest/input_file: reads plain or gzip-compressed files, whole or line by line, in bounded memory.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace paperfeed::ingest {

// Longer lines are skipped (bounded memory whatever the file): arXiv's longest real line, a
// collaboration's author list, is about 134 KB.
inline constexpr size_t kDefaultMaxLineBytes = 16u << 20;

// Streams lines from a file that may be gzip-compressed (detected by its magic bytes, not its name).
class LineReader {
 public:
  static core::Result<std::unique_ptr<LineReader>> Open(const std::string& path,
                                                        size_t max_line_bytes = kDefaultMaxLineBytes);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Next line without its '\n'; false at end of file. The view is valid until the next call. A line
  // longer than max_line_bytes is read past without being buffered and comes back empty, with
  // line_too_long() set and its length in skipped_line_bytes().
  bool Next(std::string_view& line);
  bool line_too_long() const { return line_too_long_; }
  uint64_t skipped_line_bytes() const { return skipped_line_bytes_; }
  size_t max_line_bytes() const { return max_line_bytes_; }
  // 1-based number of the line last returned.
  uint64_t line_number() const { return line_number_; }
  // Bytes of the file (compressed when gzip) consumed so far, for progress bars.
  uint64_t compressed_offset() const;
  uint64_t file_size() const { return file_size_; }
  // Set when reading failed (a truncated gzip stream): "line N: why"; the caller names the file.
  const std::string& read_error() const { return read_error_; }

 private:
  friend core::Result<std::string> ReadWholeFile(const std::string& path, size_t max_bytes);
  LineReader() = default;
  bool Fill();

  void* gz_ = nullptr;  // gzFile
  std::string path_;
  std::string buffer_;
  size_t begin_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  size_t max_line_bytes_ = kDefaultMaxLineBytes;
  bool skipping_ = false;       // inside a line over the limit
  bool line_too_long_ = false;  // the line last returned was one
  uint64_t skipped_line_bytes_ = 0;
  uint64_t line_number_ = 0;
  uint64_t file_size_ = 0;
  std::string read_error_;
};

// Documents larger than this (decompressed) are refused: real OAI-PMH pages and Hugging Face days
// are a few MB at most.
inline constexpr size_t kDefaultMaxDocumentBytes = 256u << 20;

// Reads a whole (plain or gzip) file into memory; for formats that come one document a file.
// kInvalidInput naming the file when it is larger than max_bytes decompressed.
core::Result<std::string> ReadWholeFile(const std::string& path, size_t max_bytes = kDefaultMaxDocumentBytes);

}  // namespace paperfeed::ingest
