#include "ingest/input_file.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

namespace paperfeed::ingest {
namespace {
constexpr size_t kChunk = 1 << 20;

// zlib's message for a gzFile, without the "PATH: " zlib puts in front (the caller names the file).
std::string ZlibMessage(void* gz, const std::string& path, int* errnum) {
  std::string message = gzerror(static_cast<gzFile>(gz), errnum);
  if (message.rfind(path + ": ", 0) == 0) message.erase(0, path.size() + 2);
  return message;
}
}  // namespace

core::Result<std::unique_ptr<LineReader>> LineReader::Open(const std::string& path, size_t max_line_bytes) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    return core::MakeError(core::ErrorCode::kNotFound, path + ": cannot read file (" + ec.message() + ")");
  }
  // gzopen reads uncompressed files transparently, so one code path serves .jsonl and .jsonl.gz.
  gzFile gz = gzopen(path.c_str(), "rb");
  if (gz == nullptr) return core::MakeError(core::ErrorCode::kIo, path + ": cannot open file");
  gzbuffer(gz, 256 * 1024);
  auto reader = std::unique_ptr<LineReader>(new LineReader());
  reader->gz_ = gz;
  reader->path_ = path;
  reader->file_size_ = size;
  reader->max_line_bytes_ = std::max<size_t>(max_line_bytes, 1);
  reader->buffer_.resize(kChunk);
  return reader;
}

LineReader::~LineReader() {
  if (gz_) gzclose(static_cast<gzFile>(gz_));
}

uint64_t LineReader::compressed_offset() const {
  auto off = gzoffset(static_cast<gzFile>(gz_));
  return off < 0 ? 0 : static_cast<uint64_t>(off);
}

bool LineReader::Fill() {
  if (eof_) return false;
  // Move the unread tail to the front; grow when one line is longer than the buffer.
  size_t pending = end_ - begin_;
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, pending);
    begin_ = 0;
    end_ = pending;
  }
  if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
  int n = gzread(static_cast<gzFile>(gz_), buffer_.data() + end_, static_cast<unsigned>(buffer_.size() - end_));
  if (n < 0) {
    int errnum = 0;
    read_error_ = "line " + std::to_string(line_number_ + 1) + ": read failed (" + ZlibMessage(gz_, path_, &errnum) + ")";
    eof_ = true;
    return false;
  }
  if (n == 0) {
    eof_ = true;
    int errnum = 0;
    const std::string message = ZlibMessage(gz_, path_, &errnum);
    if (errnum != Z_OK && errnum != Z_STREAM_END) {
      read_error_ = "line " + std::to_string(line_number_ + 1) + ": " + message +
                    " (the file is truncated or corrupt; everything before this line was read)";
    }
    return false;
  }
  end_ += static_cast<size_t>(n);
  return true;
}

bool LineReader::Next(std::string_view& line) {
  line_too_long_ = false;
  for (;;) {
    const char* start = buffer_.data() + begin_;
    const void* nl = std::memchr(start, '\n', end_ - begin_);
    if (nl != nullptr) {
      size_t len = static_cast<const char*>(nl) - start;
      begin_ += len + 1;
      ++line_number_;
      if (!skipping_ && len > max_line_bytes_) skipped_line_bytes_ = 0, skipping_ = true;
      if (skipping_) {  // the end of a line over the limit
        skipped_line_bytes_ += len;
        skipping_ = false;
        line_too_long_ = true;
        line = {};
        return true;
      }
      line = std::string_view(start, len);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      return true;
    }
    // No line break in what is buffered. A line past the limit is counted and dropped as it
    // streams by: one 400 MB line (a 400 KB gzip) once took 1.4 GB of memory.
    if (skipping_ || end_ - begin_ > max_line_bytes_) {
      if (!skipping_) skipped_line_bytes_ = 0;
      skipping_ = true;
      skipped_line_bytes_ += end_ - begin_;
      begin_ = end_ = 0;
    }
    if (!Fill()) {
      if (skipping_) {  // the file ends inside a line over the limit
        skipping_ = false;
        line_too_long_ = true;
        ++line_number_;
        line = {};
        return true;
      }
      if (end_ > begin_) {  // last line without '\n'
        line = std::string_view(buffer_.data() + begin_, end_ - begin_);
        begin_ = end_;
        ++line_number_;
        return true;
      }
      return false;
    }
  }
}

core::Result<std::string> ReadWholeFile(const std::string& path, size_t max_bytes) {
  auto reader = LineReader::Open(path);
  if (!reader) return reader.error();
  gzFile gz = static_cast<gzFile>(reader.value()->gz_);
  std::string out;
  std::string chunk(kChunk, '\0');
  for (;;) {
    int n = gzread(gz, chunk.data(), static_cast<unsigned>(chunk.size()));
    if (n < 0) return core::MakeError(core::ErrorCode::kIo, path + ": read failed");
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > max_bytes) {
      return core::MakeError(core::ErrorCode::kInvalidInput,
                             path + ": larger than " + std::to_string(max_bytes >> 20) +
                                 " MiB decompressed; not read (split it, or check that it is what you meant to ingest)");
    }
    out.append(chunk.data(), static_cast<size_t>(n));
  }
  return out;
}

}  // namespace paperfeed::ingest
