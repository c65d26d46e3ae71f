// search/model/safetensors: reads the tensors of a Hugging Face `model.safetensors` file
// (memory-mapped; the header parsed here, no safetensors library).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace paperfeed::search::model {

enum class DType { kF32, kF16, kBF16, kOther };

struct TensorInfo {
  std::string name;
  DType dtype = DType::kOther;
  std::string dtype_name;      // as the header spells it ("F32", "F16", "I64" ...)
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;  // byte offsets into the data section
  int64_t elements() const;
};

// A memory-mapped safetensors file. Format (https://github.com/huggingface/safetensors): an
// 8-byte little-endian header length N, N bytes of JSON {name: {dtype, shape, data_offsets}},
// optional "__metadata__", then the data section the offsets point into.
class SafetensorsFile {
 public:
  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  // kNotFound when the file is missing, kInvalidInput (naming the file and what is wrong) when
  // it is not a well-formed safetensors file.
  static core::Result<std::unique_ptr<SafetensorsFile>> Open(const std::string& path);

  const std::string& path() const { return path_; }
  const std::map<std::string, TensorInfo>& tensors() const { return tensors_; }
  const TensorInfo* Find(const std::string& name) const;
  // The tensor as float32 values (F32 copied, F16 and BF16 widened); kInvalidInput for other
  // dtypes, kNotFound for an unknown name.
  core::Result<std::vector<float>> ReadFloat(const std::string& name) const;

 private:
  SafetensorsFile() = default;
  std::string path_;
  void* map_ = nullptr;
  size_t size_ = 0;
  const unsigned char* data_ = nullptr;  // start of the data section
  size_t data_size_ = 0;
  std::map<std::string, TensorInfo> tensors_;
};

// IEEE 754 half and bfloat16 to float.
float HalfToFloat(uint16_t h);
float Bf16ToFloat(uint16_t b);

}  // namespace paperfeed::search::model
