// search/model/safetensors: the header reader and the float conversions.
#include "search/model/safetensors.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace paperfeed::search::model {
namespace {

using core::ErrorCode;
using core::MakeError;

// A header larger than this is not a model file (real ones are a few hundred kB at most);
// the limit keeps a damaged length from making us parse gigabytes.
constexpr uint64_t kMaxHeader = 100ull << 20;

size_t DTypeSize(DType d) {
  switch (d) {
    case DType::kF32: return 4;
    case DType::kF16:
    case DType::kBF16: return 2;
    default: return 0;
  }
}

}  // namespace

int64_t TensorInfo::elements() const {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

float HalfToFloat(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1Fu;
  uint32_t mant = h & 0x3FFu;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: renormalise
      exp = 127 - 15 + 1;
      while ((mant & 0x400u) == 0) {
        mant <<= 1;
        --exp;
      }
      mant &= 0x3FFu;
      bits = sign | (exp << 23) | (mant << 13);
    }
  } else if (exp == 0x1F) {
    bits = sign | 0x7F800000u | (mant << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

float Bf16ToFloat(uint16_t b) {
  const uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

SafetensorsFile::~SafetensorsFile() {
  if (map_) ::munmap(map_, size_);
}

core::Result<std::unique_ptr<SafetensorsFile>> SafetensorsFile::Open(const std::string& path) {
  std::unique_ptr<SafetensorsFile> file(new SafetensorsFile());
  file->path_ = path;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return MakeError(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                     path + ": cannot open (" + std::strerror(errno) + ")");
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return MakeError(ErrorCode::kIo, path + ": cannot stat (" + std::strerror(errno) + ")");
  }
  file->size_ = static_cast<size_t>(st.st_size);
  if (file->size_ < 8) {
    ::close(fd);
    return MakeError(ErrorCode::kInvalidInput, path + ": too short for a safetensors file (" +
                                                   std::to_string(file->size_) + " bytes); download it again");
  }
  void* map = ::mmap(nullptr, file->size_, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return MakeError(ErrorCode::kIo, path + ": cannot mmap (" + std::strerror(errno) + ")");
  file->map_ = map;
  const auto* bytes = static_cast<const unsigned char*>(map);
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | bytes[i];
  if (header_len > kMaxHeader || 8 + header_len > file->size_) {
    return MakeError(ErrorCode::kInvalidInput, path + ": header length " + std::to_string(header_len) +
                                                   " does not fit the file of " + std::to_string(file->size_) +
                                                   " bytes; the file is truncated or not safetensors");
  }
  auto header = nlohmann::json::parse(reinterpret_cast<const char*>(bytes + 8),
                                      reinterpret_cast<const char*>(bytes + 8 + header_len), nullptr, false);
  if (header.is_discarded() || !header.is_object())
    return MakeError(ErrorCode::kInvalidInput, path + ": the safetensors header is not a JSON object");
  file->data_ = bytes + 8 + header_len;
  file->data_size_ = file->size_ - 8 - header_len;
  for (const auto& [name, value] : header.items()) {
    if (name == "__metadata__") continue;
    const std::string where = path + ": tensor '" + name + "'";
    if (!value.is_object() || !value.contains("dtype") || !value.contains("shape") || !value.contains("data_offsets") ||
        !value["dtype"].is_string() || !value["shape"].is_array() || !value["data_offsets"].is_array() ||
        value["data_offsets"].size() != 2)
      return MakeError(ErrorCode::kInvalidInput, where + " lacks dtype, shape or data_offsets");
    TensorInfo info;
    info.name = name;
    info.dtype_name = value["dtype"].get<std::string>();
    info.dtype = info.dtype_name == "F32"    ? DType::kF32
                 : info.dtype_name == "F16"  ? DType::kF16
                 : info.dtype_name == "BF16" ? DType::kBF16
                                             : DType::kOther;
    for (const auto& d : value["shape"]) {
      if (!d.is_number_integer() || d.get<int64_t>() < 0)
        return MakeError(ErrorCode::kInvalidInput, where + " has a bad shape");
      info.shape.push_back(d.get<int64_t>());
    }
    const auto& off = value["data_offsets"];
    if (!off[0].is_number_unsigned() || !off[1].is_number_unsigned())
      return MakeError(ErrorCode::kInvalidInput, where + " has bad data_offsets");
    info.begin = off[0].get<uint64_t>();
    info.end = off[1].get<uint64_t>();
    if (info.begin > info.end || info.end > file->data_size_)
      return MakeError(ErrorCode::kInvalidInput, where + " points past the end of the file; download it again");
    const size_t width = DTypeSize(info.dtype);
    if (width != 0 && info.end - info.begin != static_cast<uint64_t>(info.elements()) * width)
      return MakeError(ErrorCode::kInvalidInput, where + " has " + std::to_string(info.end - info.begin) +
                                                     " bytes, which does not match its shape and dtype");
    file->tensors_.emplace(name, std::move(info));
  }
  return file;
}

const TensorInfo* SafetensorsFile::Find(const std::string& name) const {
  auto it = tensors_.find(name);
  return it == tensors_.end() ? nullptr : &it->second;
}

core::Result<std::vector<float>> SafetensorsFile::ReadFloat(const std::string& name) const {
  const TensorInfo* info = Find(name);
  if (!info) return MakeError(ErrorCode::kNotFound, path_ + ": no tensor '" + name + "'");
  const unsigned char* p = data_ + info->begin;
  const auto n = static_cast<size_t>(info->elements());
  std::vector<float> out(n);
  switch (info->dtype) {
    case DType::kF32:
      std::memcpy(out.data(), p, n * 4);  // the file is little-endian, like every host we build for
      break;
    case DType::kF16:
    case DType::kBF16:
      for (size_t i = 0; i < n; ++i) {
        const uint16_t v = static_cast<uint16_t>(p[2 * i] | (p[2 * i + 1] << 8));
        out[i] = info->dtype == DType::kF16 ? HalfToFloat(v) : Bf16ToFloat(v);
      }
      break;
    default:
      return MakeError(ErrorCode::kInvalidInput, path_ + ": tensor '" + name + "' is " + info->dtype_name +
                                                     "; only F32, F16 and BF16 weights are supported");
  }
  return out;
}

}  // namespace paperfeed::search::model
