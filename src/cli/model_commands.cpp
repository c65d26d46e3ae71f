// The model verbs: model add, model list, model embed, model pull — pretrained sentence-embedding
// models (BERT family, Hugging Face folders) kept in a models folder beside the database.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/command.hpp"
#include "core/progress.hpp"
#include "search/model/hub_pull.hpp"
#include "search/model/pretrained_model.hpp"
#include "search/segment.hpp"  // WriteFileAtomically
#include "store/database.hpp"

namespace paperfeed::cli {
namespace {

namespace fs = std::filesystem;
using core::ErrorCode;
using core::MakeError;
using core::Result;
using search::model::ModelInfo;
using search::model::PretrainedModel;
using search::model::PretrainedOptions;

// "<db>.models": one entry per model (a symlink to its folder, or the folder `model pull` wrote)
// and manifest.json listing them.
// Beside a SQLite file; a PostgreSQL database has no folder, so the working directory's.
std::string ModelsDir(const GlobalOptions& g) {
  return store::IsPostgresUri(g.db_path) ? std::string("paperfeed.models") : g.db_path + ".models";
}

nlohmann::json ReadManifest(const std::string& models_dir) {
  std::ifstream in(models_dir + "/manifest.json");
  if (!in) return {{"models", nlohmann::json::array()}};
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = nlohmann::json::parse(ss.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("models")) return {{"models", nlohmann::json::array()}};
  return j;
}

std::string NowIso() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

nlohmann::json InfoJson(const ModelInfo& info) {
  return {{"name", info.name},
          {"dimension", info.dimension()},
          {"layers", info.config.num_layers},
          {"max_positions", info.config.max_position_embeddings},
          {"pooling", info.pooling == search::model::Pooling::kCls ? "cls" : "mean"},
          {"normalize", info.normalize},
          {"query_prefix", info.query_prefix},
          {"passage_prefix", info.passage_prefix}};
}

// A folder, or the name of a model recorded in the models folder.
std::string ResolveModel(const GlobalOptions& g, const std::string& dir_or_name) {
  std::error_code ec;
  if (fs::is_directory(dir_or_name, ec)) return dir_or_name;
  const std::string in_models = ModelsDir(g) + "/" + dir_or_name;
  if (fs::is_directory(in_models, ec)) return in_models;
  return dir_or_name;
}

}  // namespace

// Validates `dir` (loading it fully, weights included) and records it under `name` in the models
// folder beside the database: a symlink unless the folder already lives there, plus the manifest.
Result<nlohmann::json> AddModel(const GlobalOptions& g, const std::string& dir, std::string name) {
  auto model = PretrainedModel::Load(dir, {});
  if (!model) return model.error();
  const ModelInfo& info = model.value()->info();
  if (name.empty()) name = fs::path(info.name).filename().string();
  if (name.empty() || name.find('/') != std::string::npos || name[0] == '.')
    return MakeError(ErrorCode::kInvalidInput, "model name '" + name + "' must be a plain file name (use --name)");
  const std::string models = ModelsDir(g);
  std::error_code ec;
  fs::create_directories(models, ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot create " + models + ": " + ec.message());
  const fs::path link = fs::path(models) / name;
  const fs::path target = fs::absolute(dir).lexically_normal();
  if (fs::absolute(link).lexically_normal() != target) {
    if (fs::is_symlink(link, ec)) fs::remove(link, ec);
    if (fs::exists(link, ec))
      return MakeError(ErrorCode::kConflict, link.string() + " exists and is not a link; choose another --name");
    fs::create_directory_symlink(target, link, ec);
    if (ec) return MakeError(ErrorCode::kIo, "cannot link " + link.string() + " to " + target.string() + ": " + ec.message());
  }
  nlohmann::json manifest = ReadManifest(models);
  nlohmann::json entry = InfoJson(info);
  entry["name"] = name;
  entry["model"] = info.name;
  entry["path"] = target.string();
  entry["added_at"] = NowIso();
  auto& list = manifest["models"];
  for (auto it = list.begin(); it != list.end();) it = it->value("name", "") == name ? list.erase(it) : it + 1;
  list.push_back(entry);
  if (auto w = search::WriteFileAtomically(models + "/manifest.json", manifest.dump(2) + "\n"); !w) return w.error();
  return entry;
}

namespace {

void RegisterAdd(CommandRegistry& r, CLI::App* group) {
  struct Options {
    std::string dir, name;
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = group->add_subcommand("add", "Check a Hugging Face model folder and record it in <db>.models");
  cmd->footer("The folder needs config.json, tokenizer.json or vocab.txt (+ tokenizer_config.json) and\n"
              "model.safetensors; modules.json and 1_Pooling/config.json choose CLS or mean pooling and\n"
              "normalisation (mean, unnormalised without them).\n\n"
              "Examples:\n"
              "  paperfeed model add ~/models/bge-small-en-v1.5\n"
              "  paperfeed model add ./e5-small-v2 --name e5-small\n");
  cmd->add_option("dir", o->dir, "Model folder")->required();
  cmd->add_option("--name", o->name, "Name in the models folder (default: the model's name)");
  cmd->add_flag("--json", o->json, "Print the recorded entry as JSON");
  cmd->callback([&r, o] {
    r.run = [&r, o] {
      auto entry = AddModel(r.globals, o->dir, o->name);
      if (!entry) return ReportError(entry.error());
      if (o->json) PrintJson(entry.value());
      else
        std::cout << "added " << entry->value("name", "") << " (" << entry->value("dimension", 0) << " dimensions, "
                  << entry->value("pooling", "") << " pooling" << (entry->value("normalize", false) ? ", normalised" : "")
                  << ") to " << ModelsDir(r.globals) << "\n";
      return kExitOk;
    };
  });
}

void RegisterList(CommandRegistry& r, CLI::App* group) {
  auto json = std::make_shared<bool>(false);
  auto* cmd = group->add_subcommand("list", "List the models recorded in <db>.models");
  cmd->add_flag("--json", *json, "Print {\"models\": [...]} as JSON");
  cmd->callback([&r, json] {
    r.run = [&r, json] {
      nlohmann::json manifest = ReadManifest(ModelsDir(r.globals));
      if (*json) {
        PrintJson(manifest);
        return kExitOk;
      }
      if (manifest["models"].empty()) std::cout << "no models in " << ModelsDir(r.globals) << " (paperfeed model add DIR)\n";
      for (const auto& m : manifest["models"])
        std::cout << m.value("name", "") << "\t" << m.value("dimension", 0) << "d\t" << m.value("pooling", "")
                  << (m.value("normalize", false) ? "+norm" : "") << "\t" << m.value("path", "") << "\n";
      return kExitOk;
    };
  });
}

void RegisterEmbed(CommandRegistry& r, CLI::App* group) {
  struct Options {
    std::string dir;
    std::vector<std::string> texts;
    bool query = false, json = false;
    std::string query_prefix, passage_prefix;
    int threads = 2, batch = 32;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = group->add_subcommand("embed", "Print the sentence embeddings a model gives to texts");
  cmd->footer("Vectors are the model's final sentence embeddings: pooled and, when modules.json has a\n"
              "Normalize module, of unit length. Texts are passages (the passage prefix) unless --query.\n\n"
              "Examples:\n"
              "  paperfeed model embed ~/models/e5-small-v2 'sparse attention' --query --json\n"
              "  paperfeed model embed bge-small-en-v1.5 'Title. Abstract…' --json\n");
  cmd->add_option("dir", o->dir, "Model folder, or a name from 'paperfeed model list'")->required();
  cmd->add_option("texts", o->texts, "Texts to embed")->required();
  cmd->add_flag("--query", o->query, "Embed as queries (the query prefix, e.g. E5's 'query: ')");
  auto* qp = cmd->add_option("--query-prefix", o->query_prefix, "Use this query prefix instead of the model's");
  auto* pp = cmd->add_option("--passage-prefix", o->passage_prefix, "Use this passage prefix instead of the model's");
  cmd->add_option("--threads", o->threads, "CPU threads (default 2)")->check(CLI::Range(1, 256));
  cmd->add_option("--batch", o->batch, "Texts per forward pass (default 32)")->check(CLI::Range(1, 4096));
  cmd->add_flag("--json", o->json, "Print {\"dim\": N, \"vectors\": [[...], ...]}");
  cmd->callback([&r, o, qp, pp] {
    const bool has_qp = qp->count() > 0, has_pp = pp->count() > 0;
    r.run = [&r, o, has_qp, has_pp] {
      PretrainedOptions options;
      options.threads = o->threads;
      options.batch_size = o->batch;
      if (has_qp) options.query_prefix = o->query_prefix;
      if (has_pp) options.passage_prefix = o->passage_prefix;
      auto model = PretrainedModel::Load(ResolveModel(r.globals, o->dir), options);
      if (!model) return ReportError(model.error());
      auto m = model.value()->Embed(o->texts, o->query);
      if (!m) return ReportError(m.error());
      const size_t dim = static_cast<size_t>(model.value()->info().dimension());
      nlohmann::json vectors = nlohmann::json::array();
      for (size_t i = 0; i < o->texts.size(); ++i)
        vectors.push_back(std::vector<float>(m->begin() + static_cast<long>(i * dim), m->begin() + static_cast<long>((i + 1) * dim)));
      if (o->json) {
        PrintJson({{"dim", dim}, {"vectors", vectors}});
      } else {
        for (const auto& v : vectors) {
          for (size_t c = 0; c < v.size(); ++c) std::printf(c ? " %.6g" : "%.6g", v[c].get<double>());
          std::printf("\n");
        }
      }
      return kExitOk;
    };
  });
}

void RegisterPull(CommandRegistry& r, CLI::App* group) {
  struct Options {
    std::string repo, endpoint = "https://huggingface.co", revision = "main", name;
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = group->add_subcommand("pull", "Download a model from the Hugging Face Hub into <db>.models and record it");
  cmd->footer("Fetches config.json, the tokenizer files, model.safetensors, modules.json and\n"
              "1_Pooling/config.json from {endpoint}/{repo}/resolve/{revision}/{file}. An interrupted pull\n"
              "resumes where it stopped (each file downloads to FILE.part); model.safetensors is checked\n"
              "against the SHA-256 the Hub sends.\n\n"
              "Examples:\n"
              "  paperfeed model pull BAAI/bge-small-en-v1.5\n"
              "  paperfeed model pull intfloat/e5-small-v2 --revision main --name e5-small\n"
              "  paperfeed model pull sentence-transformers/all-MiniLM-L6-v2 --endpoint https://hf-mirror.example\n");
  cmd->add_option("repo", o->repo, "Hub repository (owner/name)")->required();
  cmd->add_option("--endpoint", o->endpoint, "Hub endpoint (default https://huggingface.co)");
  cmd->add_option("--revision", o->revision, "Branch, tag or commit (default main)");
  cmd->add_option("--name", o->name, "Name in the models folder (default: the repository's name)");
  cmd->add_flag("--json", o->json, "Print the files fetched and the recorded entry as JSON");
  cmd->callback([&r, o] {
    r.run = [&r, o] {
      std::string name = o->name.empty() ? fs::path(o->repo).filename().string() : o->name;
      const std::string dir = ModelsDir(r.globals) + "/" + name;
      search::model::PullOptions options;
      options.endpoint = o->endpoint;
      options.revision = o->revision;
      options.http.on_retry = [](const std::string& m) { std::cerr << "paperfeed: " << m << "\n"; };
      auto pulled = search::model::PullModel(o->repo, dir, options);
      if (!pulled) return ReportError(pulled.error());
      auto entry = AddModel(r.globals, dir, name);
      if (!entry) return ReportError(entry.error());
      (*entry)["repo"] = o->repo;
      nlohmann::json files = nlohmann::json::array();
      for (const auto& f : pulled.value()) {
        if (f.skipped) continue;
        files.push_back({{"file", f.name}, {"bytes", f.bytes}, {"resumed_from", f.resumed_from}, {"sha256_verified", f.verified}});
      }
      if (o->json) {
        PrintJson({{"model", entry.value()}, {"files", files}});
      } else {
        for (const auto& f : files)
          std::cout << f["file"].get<std::string>() << "\t" << core::HumanCount(f["bytes"].get<double>(), "B")
                    << (f["sha256_verified"].get<bool>() ? "\tsha256 ok" : "") << "\n";
        std::cout << "pulled " << o->repo << " into " << dir << " (" << entry->value("dimension", 0) << " dimensions)\n";
      }
      return kExitOk;
    };
  });
}

}  // namespace

void RegisterModelCommands(CommandRegistry& registry) {
  auto* group = registry.app.add_subcommand("model", "Pretrained sentence-embedding models: add, list, embed, pull");
  group->require_subcommand(1);
  RegisterAdd(registry, group);
  RegisterList(registry, group);
  RegisterEmbed(registry, group);
  RegisterPull(registry, group);
}

}  // namespace paperfeed::cli
