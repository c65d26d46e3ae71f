// search/model/hub_pull: downloads a sentence-embedding model from the Hugging Face Hub's URL
// layout ({endpoint}/{repo}/resolve/{revision}/{file}), resumable and checksummed.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "ingest/http_client.hpp"

namespace paperfeed::search::model {

struct PullOptions {
  std::string endpoint = "https://huggingface.co";
  std::string revision = "main";
  bool progress = true;  // a progress bar per file on stderr (when it is a terminal)
  ingest::HttpOptions http;
};

struct PulledFile {
  std::string name;
  uint64_t bytes = 0;
  uint64_t resumed_from = 0;  // bytes a previous run had already fetched
  bool verified = false;      // its SHA-256 matched the Hub's X-Linked-Etag / ETag
  bool skipped = false;       // optional and absent on the Hub
};

// Fetches config.json, the tokenizer files, model.safetensors, modules.json and
// 1_Pooling/config.json (and config_sentence_transformers.json) of `repo` ("BAAI/bge-small-en-v1.5")
// into `dir`. Each file goes to "<file>.part", resumed with Range on a rerun, its SHA-256 checked
// when the Hub sends one (LFS files), then renamed into place; files already in place are kept.
core::Result<std::vector<PulledFile>> PullModel(const std::string& repo, const std::string& dir, const PullOptions& options);

// SHA-256 of a file as 64 lowercase hex digits (core/crypto).
core::Result<std::string> Sha256File(const std::string& path);

}  // namespace paperfeed::search::model
