// ingest/input_file: reads plain or gzip-compressed files, whole or line by line, in bounded memory.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace paperfeed::ingest {

// Streams lines from a file that may be gzip-compressed (detected by its magic bytes, not its name).
class LineReader {
 public:
  static core::Result<std::unique_ptr<LineReader>> Open(const std::string& path);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Next line without its '\n'; false at end of file. The view is valid until the next call.
  bool Next(std::string_view& line);
  // 1-based number of the line last returned.
  uint64_t line_number() const { return line_number_; }
  // Bytes of the file (compressed when gzip) consumed so far, for progress bars.
  uint64_t compressed_offset() const;
  uint64_t file_size() const { return file_size_; }
  // Set when reading failed (a truncated gzip stream): the error names the file and line.
  const std::string& read_error() const { return read_error_; }

 private:
  friend core::Result<std::string> ReadWholeFile(const std::string& path);
  LineReader() = default;
  bool Fill();

  void* gz_ = nullptr;  // gzFile
  std::string path_;
  std::string buffer_;
  size_t begin_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  uint64_t line_number_ = 0;
  uint64_t file_size_ = 0;
  std::string read_error_;
};

// Reads a whole (plain or gzip) file into memory; for formats that come one document a file.
core::Result<std::string> ReadWholeFile(const std::string& path);

}  // namespace paperfeed::ingest
