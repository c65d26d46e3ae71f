// search/model/model_file: reads one small file of a model folder (config.json, vocab.txt, ...).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace paperfeed::search::model {

// The file's bytes; *found is false when it cannot be opened.
inline std::string ReadModelFile(const std::string& path, bool* found) {
  std::ifstream in(path, std::ios::binary);
  *found = static_cast<bool>(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace paperfeed::search::model
