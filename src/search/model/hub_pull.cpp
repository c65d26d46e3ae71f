// search/model/hub_pull: the Hub's layout, resume and checksums (SHA-256 through core/crypto).
#include "search/model/hub_pull.hpp"

#include <cctype>
#include <cstdio>
#include <filesystem>

#include "core/crypto.hpp"
#include "core/progress.hpp"
#include "core/url.hpp"

namespace paperfeed::search::model {
namespace {

namespace fs = std::filesystem;
using core::ErrorCode;
using core::MakeError;

struct FileSpec {
  const char* name;
  bool required;
};
// tokenizer.json and vocab.txt are each optional, but one of them is needed (checked after).
constexpr FileSpec kFiles[] = {
    {"config.json", true},        {"tokenizer_config.json", false}, {"tokenizer.json", false},
    {"vocab.txt", false},         {"special_tokens_map.json", false}, {"modules.json", false},
    {"1_Pooling/config.json", false}, {"config_sentence_transformers.json", false}, {"model.safetensors", true},
};

// The Hub's ETag for an LFS file is its SHA-256 in quotes (X-Linked-Etag on the redirect to the
// CDN); for a small git file it is the git blob's SHA-1, which we cannot check against the bytes.
std::string Sha256FromEtag(std::string etag) {
  if (etag.rfind("W/", 0) == 0) etag = etag.substr(2);
  std::string out;
  for (char c : etag)
    if (c != '"') out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (out.size() != 64) return "";
  for (char c : out)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return "";
  return out;
}

}  // namespace

core::Result<std::string> Sha256File(const std::string& path) { return core::Sha256FileHex(path); }

core::Result<std::vector<PulledFile>> PullModel(const std::string& repo, const std::string& dir, const PullOptions& options) {
  if (repo.empty() || repo.find("..") != std::string::npos || repo.front() == '/')
    return MakeError(ErrorCode::kInvalidInput, "'" + repo + "' is not a Hub repository name (like BAAI/bge-small-en-v1.5)");
  std::string endpoint = options.endpoint;
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  ingest::HttpClient http(options.http);
  std::vector<PulledFile> out;
  std::error_code ec;
  for (const auto& spec : kFiles) {
    PulledFile pf;
    pf.name = spec.name;
    const fs::path target = fs::path(dir) / spec.name;
    const std::string part = target.string() + ".part";
    if (fs::exists(target, ec)) {  // a previous run finished this one
      pf.bytes = fs::file_size(target, ec);
      out.push_back(pf);
      continue;
    }
    fs::create_directories(target.parent_path(), ec);
    if (ec) return MakeError(ErrorCode::kIo, "cannot create " + target.parent_path().string() + ": " + ec.message());
    const std::string url = endpoint + "/" + repo + "/resolve/" + core::PercentEncode(options.revision) + "/" + spec.name;
    core::ProgressBar bar(spec.name, 0, "B");
    bar.set_enabled(options.progress && bar.enabled() && std::string(spec.name) == "model.safetensors");
    auto got = http.DownloadToFile(url, part, [&](uint64_t done, uint64_t) { bar.Update(done); });
    bar.Finish();
    if (!got) {
      if (got.error().code == ErrorCode::kNotFound) fs::remove(part, ec);
      if (got.error().code == ErrorCode::kNotFound && !spec.required) {
        pf.skipped = true;
        out.push_back(pf);
        continue;
      }
      if (got.error().code == ErrorCode::kNotFound || got.error().code == ErrorCode::kUnauthorized)
        return MakeError(got.error().code, spec.name + std::string(" of ") + repo + ": " + got.error().message +
                                               "; check the repository name and --revision (gated models need a token, "
                                               "download them yourself and use 'paperfeed model add')");
      // Keep the .part of a transfer that broke off: the next run resumes it.
      return MakeError(got.error().code, spec.name + std::string(" of ") + repo + ": " + got.error().message);
    }
    pf.bytes = got->size;
    pf.resumed_from = got->resumed_from;
    std::string want;
    if (auto linked = got->Header("x-linked-etag")) want = Sha256FromEtag(*linked);
    if (want.empty())
      if (auto etag = got->Header("etag")) want = Sha256FromEtag(*etag);
    if (!want.empty()) {
      auto have = Sha256File(part);
      if (!have) return have.error();
      if (have.value() != want) {
        fs::remove(part, ec);
        return MakeError(ErrorCode::kIo, target.string() + ": SHA-256 " + have.value() + " does not match the Hub's " +
                                             want + "; the partial file was removed, run the pull again");
      }
      pf.verified = true;
    }
    fs::rename(part, target, ec);
    if (ec) return MakeError(ErrorCode::kIo, "cannot rename " + part + ": " + ec.message());
    out.push_back(pf);
  }
  if (!fs::exists(fs::path(dir) / "tokenizer.json", ec) && !fs::exists(fs::path(dir) / "vocab.txt", ec))
    return MakeError(ErrorCode::kNotFound, repo + " has neither tokenizer.json nor vocab.txt; it is not a BERT-family model");
  return out;
}

}  // namespace paperfeed::search::model
