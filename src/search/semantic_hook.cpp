// search/semantic_hook: the semantic backend — the default embedder, the HNSW vector index of
// every live paper and hybrid fusion — kept in step with the catalogue beside the keyword index.
//
// Files, under <index_dir>/semantic/:
//   CURRENT              names the live generation ("gen-000001"); replaced atomically (temp +
//                        fsync + rename): it is the commit point of a rebuild.
//   gen-NNNNNN/model.bin     the embedder (search/embedder), trained by the rebuild
//   gen-NNNNNN/vectors.hnsw  a snapshot of the vector index (search/vector_index)
//   gen-NNNNNN/STATE         JSON: the catalogue change_seq the snapshot reached, docs trained on
//   gen-NNNNNN/journal       vectors added or removed since the snapshot, one checksummed record
//                            each, fsynced per catch-up batch
// On open the snapshot is loaded and the journal replayed up to its first torn record (a crash
// mid-append), which is cut off; generations CURRENT does not name are debris of an interrupted
// rebuild and are removed. Replaying is idempotent, so a crash between the snapshot's rename and
// STATE's leaves a usable index. When the journal outgrows a fraction of the snapshot, a new
// snapshot is written and the journal emptied.
#include "search/semantic_hook.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "core/progress.hpp"
#include "search/embedder.hpp"
#include "search/hybrid.hpp"
#include "search/model/pretrained_model.hpp"
#include "search/segment.hpp"  // WriteFileAtomically
#include "search/vector_index.hpp"

namespace paperfeed::search {
namespace {

namespace fs = std::filesystem;
using core::ErrorCode;
using core::MakeError;
using core::Result;

// The fusion weight and the pseudo-relevance feedback (AddFeedback) come from SemanticOptions,
// where their defaults and measurements are.
// Embedding dimension: 128 fuses as well as 256 on SciFact (0.716 vs 0.716) at half the memory
// and half the HNSW build time at 2.5 M papers.
constexpr int kDimension = 128;
constexpr int kPageSize = 4096;
// A catalogue that has grown this many times since the model was trained gets a new model at
// the next catch-up (the vocabulary of a small first catalogue misses most later words).
constexpr int64_t kRetrainGrowth = 4;
constexpr int64_t kRetrainMinNewDocs = 1000;
constexpr int kThreads = 2;

uint64_t Fnv1a(const void* data, size_t n, uint64_t h = 1469598103934665603ull) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

std::string ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// One generation of the semantic index: a model and the vectors it made. The model never changes
// once published; the vectors change only under `mutex` held exclusively, in short bursts.
struct Generation {
  std::unique_ptr<Embedder> model;
  std::unique_ptr<VectorIndex> vectors;
  mutable std::shared_mutex mutex;
};
using GenerationPtr = std::shared_ptr<Generation>;

// Vectors inserted per exclusive hold during catch-up: a search waits at most for this many
// HNSW insertions (a few milliseconds), never for a whole ingest.
constexpr size_t kInsertBurst = 64;

class Backend final : public SemanticBackend {
 public:
  Backend(std::string dir, const KeywordIndex& keyword, SemanticOptions options)
      : dir_(std::move(dir)), keyword_(keyword), options_(std::move(options)),
        semantic_weight_(std::clamp(options_.semantic_weight, 0.0, 1.0)),
        prf_docs_(std::clamp(options_.prf_docs, 0, 100)),
        prf_weight_(std::clamp(options_.prf_weight, 0.0, 10.0)) {}

  Result<void> Open() {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec) return MakeError(ErrorCode::kIo, "cannot create " + dir_ + ": " + ec.message());
    std::string current = ReadSmallFile(dir_ + "/CURRENT");
    while (!current.empty() && (current.back() == '\n' || current.back() == ' ')) current.pop_back();
    // Debris of interrupted rebuilds: generations CURRENT does not name.
    for (const auto& entry : fs::directory_iterator(dir_, ec)) {
      std::string name = entry.path().filename().string();
      if ((name.rfind("gen-", 0) == 0 && name != current) || name.find(".tmp") != std::string::npos)
        fs::remove_all(entry.path(), ec);
      if (name.rfind("gen-", 0) == 0) generation_ = std::max(generation_, std::atoi(name.c_str() + 4));
    }
    if (current.empty()) return {};
    auto loaded = LoadGeneration(dir_ + "/" + current);
    if (!loaded) {
      // A damaged generation is rebuilt at the next catch-up rather than failing every start.
      fs::remove(dir_ + "/CURRENT", ec);
      return {};
    }
    gen_dir_ = dir_ + "/" + current;
    // An index built with another model than the configured pretrained one is re-embedded at
    // the next catch-up (which rebuilds when there is no model).
    if (!options_.model_dir.empty()) {
      auto info = model::PretrainedModel::Inspect(options_.model_dir);
      if (!info) return info.error();
      if (loaded.value()->model->name() != "pretrained:" + info->name) return {};
    }
    Publish(std::move(loaded.value()));
    return {};
  }

  Result<void> CatchUp(store::Catalogue& catalogue, const KeywordIndex& keyword, bool progress) override {
    auto live = keyword.Stats().live_docs;
    GenerationPtr g = Current();
    if (!g) {
      if (live == 0) return {};
      return Rebuild(catalogue, keyword, progress);
    }
    // Only the learned embedder is retrained as the catalogue grows; a pretrained model is fixed.
    if (!g->model->embeds_in_batches() && live >= kRetrainGrowth * std::max<int64_t>(docs_trained_, 1) &&
        live - docs_trained_ >= kRetrainMinNewDocs)
      return Rebuild(catalogue, keyword, progress);

    // Nothing new, the usual answer to serve's periodic sync: leave the journal alone.
    auto probe = catalogue.PapersChangedSince(change_seq_, 1);
    if (!probe) return probe.error();
    if (probe->empty()) return {};
    std::ofstream journal(gen_dir_ + "/journal", std::ios::binary | std::ios::app);
    if (!journal) return MakeError(ErrorCode::kIo, "cannot append to " + gen_dir_ + "/journal");
    const size_t dim = static_cast<size_t>(g->model->dimension());
    for (;;) {
      auto page = catalogue.PapersChangedSince(change_seq_, kPageSize);
      if (!page) return page.error();
      if (page->empty()) break;
      // Embedding is the slow part and needs no lock: the model is immutable.
      std::vector<float> vecs = EmbedPage(*g->model, *page, keyword);
      std::string records;
      for (size_t i = 0; i < page->size(); ++i) {
        const auto& p = (*page)[i];
        const bool add = keyword.IsLive(p.doc_id);
        AppendRecord(records, add, p.doc_id, p.change_seq, add ? &vecs[i * dim] : nullptr, dim);
      }
      for (size_t from = 0; from < page->size(); from += kInsertBurst) {
        std::unique_lock lock(g->mutex);
        for (size_t i = from; i < std::min(page->size(), from + kInsertBurst); ++i) {
          const auto& p = (*page)[i];
          if (keyword.IsLive(p.doc_id)) g->vectors->Add(p.doc_id, &vecs[i * dim]);
          else g->vectors->Remove(p.doc_id);
        }
      }
      for (const auto& p : *page) {
        change_seq_ = std::max(change_seq_, p.change_seq);
        ++journal_records_;
      }
      journal.write(records.data(), static_cast<std::streamsize>(records.size()));
      journal.flush();
      if (!journal) return MakeError(ErrorCode::kIo, "cannot append to " + gen_dir_ + "/journal");
      SyncFile(gen_dir_ + "/journal");
    }
    journal.close();
    if (journal_records_ > std::max<int64_t>(20000, static_cast<int64_t>(g->vectors->size() / 10))) return Snapshot(*g);
    return {};
  }

  // Retrains beside the serving generation: searches go on answering from it until the new one is
  // written and swapped in (issue 10: a retrain under the search lock stopped the site for 85 s).
  Result<void> Rebuild(store::Catalogue& catalogue, const KeywordIndex& keyword, bool progress) override {
    // 1. Train on the live papers.
    int64_t after = 0;
    std::vector<store::StoredPaper> page;
    size_t at = 0;
    Error read_error;
    bool failed = false;
    TrainingSource source = [&](TrainingDoc& doc) {
      for (;;) {
        if (at < page.size()) {
          auto& p = page[at++];
          if (!keyword.IsLive(p.doc_id)) continue;
          doc.title = std::move(p.paper.title);
          doc.abstract = std::move(p.paper.abstract);
          return true;
        }
        auto next = catalogue.PapersChangedSince(after, kPageSize);
        if (!next) {
          failed = true;
          read_error = next.error();
          return false;
        }
        if (next->empty()) return false;
        page = std::move(next.value());
        after = page.back().change_seq;
        at = 0;
      }
    };
    auto g = std::make_shared<Generation>();
    if (!options_.model_dir.empty()) {
      // A pretrained model: nothing to train, every live paper is embedded with it.
      model::PretrainedOptions po;
      po.threads = options_.model_threads;
      po.batch_size = options_.model_batch_size;
      auto loaded = model::MakePretrainedEmbedder(options_.model_dir, po);
      if (!loaded) return loaded.error();
      g->model = std::move(loaded.value());
    } else {
      EmbedderTrainOptions options;
      options.dimension = kDimension;
      options.progress = progress;
      auto trained = TrainDefaultEmbedder(source, options);
      if (failed) return read_error;
      if (!trained) return trained.error();
      g->model = std::move(trained.value());
    }

    // 2. Embed every live paper into a fresh index.
    VectorIndexParams params;
    params.dimension = g->model->dimension();
    auto created = VectorIndex::Create(params, static_cast<size_t>(keyword.Stats().live_docs) + 1024);
    if (!created) return created.error();
    g->vectors = std::move(created.value());
    int64_t seq = 0, docs = 0;
    {
      core::ProgressBar bar("semantic index", static_cast<uint64_t>(keyword.Stats().live_docs), "papers");
      bar.set_enabled(progress && bar.enabled());
      for (;;) {
        auto next = catalogue.PapersChangedSince(seq, kPageSize);
        if (!next) return next.error();
        if (next->empty()) break;
        std::vector<float> vecs = EmbedPage(*g->model, *next, keyword);
        std::vector<int64_t> ids;
        std::vector<float> live_vecs;
        const size_t dim = static_cast<size_t>(params.dimension);
        for (size_t i = 0; i < next->size(); ++i) {
          if (!keyword.IsLive((*next)[i].doc_id)) continue;
          ids.push_back((*next)[i].doc_id);
          live_vecs.insert(live_vecs.end(), vecs.begin() + static_cast<long>(i * dim), vecs.begin() + static_cast<long>((i + 1) * dim));
        }
        g->vectors->AddMany(ids, live_vecs, kThreads);
        docs += static_cast<int64_t>(ids.size());
        seq = next->back().change_seq;
        bar.Update(static_cast<uint64_t>(docs));
      }
      bar.Finish();
    }

    // 3. Write the new generation, then point CURRENT at it.
    std::error_code ec;
    const std::string name = NextGenerationName();
    const std::string gen = dir_ + "/" + name;
    fs::create_directories(gen, ec);
    if (ec) return MakeError(ErrorCode::kIo, "cannot create " + gen + ": " + ec.message());
    if (auto r = g->model->Save(gen + "/model.bin"); !r) return r;
    if (auto r = g->vectors->Save(gen + "/vectors.hnsw"); !r) return r;
    if (auto r = WriteState(gen, g->model->name(), seq, docs); !r) return r;
    if (options_.on_maintenance_stage) options_.on_maintenance_stage("semantic-built");
    if (auto r = WriteFileAtomically(dir_ + "/CURRENT", name + "\n"); !r) return r;
    const std::string old = gen_dir_;
    gen_dir_ = gen;
    change_seq_ = seq;
    docs_trained_ = docs;
    journal_records_ = 0;
    // The swap: searches that began before it finish on the old generation, which goes with them
    // (its files are read into memory, so removing its folder now is safe).
    Publish(std::move(g));
    if (!old.empty() && old != gen) fs::remove_all(old, ec);
    // Papers that changed while we rebuilt are picked up now.
    return CatchUp(catalogue, keyword, false);
  }

  Result<SemanticHits> Search(const std::string& text, const ParsedQuery& query, int depth,
                              const std::vector<ScoredDoc>& feedback) override {
    SemanticHits out;
    GenerationPtr g = Current();
    if (!g) return out;
    // With operators in the query, embed only its scoring words: an excluded word or a field
    // name must not pull the vector towards papers about it.
    std::string embed_text = text;
    if (query.HasFilters()) {
      embed_text.clear();
      for (const auto& t : query.terms) embed_text += t + " ";
    }
    std::vector<float> q = g->model->Embed(embed_text);
    if (std::all_of(q.begin(), q.end(), [](float x) { return x == 0.f; })) return out;
    std::shared_lock lock(g->mutex);
    AddFeedback(*g, q, feedback);
    std::function<bool(int64_t)> filter;
    if (query.HasFilters()) {
      filter = [this, &query](int64_t id) { return keyword_.IsLive(id) && keyword_.PassesFilters(id, query); };
    }
    for (const auto& hit : g->vectors->Search(q.data(), depth, filter)) out.docs.push_back({hit.id, hit.similarity});
    out.query_vector = std::move(q);
    out.generation = g;
    return out;
  }

  Result<std::vector<ScoredDoc>> Similar(int64_t doc_id, int depth) override {
    std::vector<ScoredDoc> out;
    GenerationPtr g = Current();
    if (!g) return out;
    std::shared_lock lock(g->mutex);
    auto v = g->vectors->Get(doc_id);
    if (!v) return out;
    for (const auto& hit : g->vectors->Search(v->data(), depth + 1))
      if (hit.id != doc_id) out.push_back({hit.id, hit.similarity});
    if (out.size() > static_cast<size_t>(depth)) out.resize(static_cast<size_t>(depth));
    return out;
  }

  std::vector<ScoredDoc> Fuse(const std::vector<ScoredDoc>& keyword, const SemanticHits& semantic,
                              int depth) const override {
    std::vector<FusedDoc> kw, sem;
    for (const auto& d : keyword) kw.push_back({d.doc_id, d.score});
    for (const auto& d : semantic.docs) sem.push_back({d.doc_id, d.score});
    // Fusion scores every keyword candidate by its exact cosine to the query, in the generation
    // the query was embedded with.
    auto g = semantic.generation ? std::static_pointer_cast<const Generation>(semantic.generation)
                                 : std::shared_ptr<const Generation>(Current());
    std::shared_lock<std::shared_mutex> lock;
    if (g) lock = std::shared_lock(g->mutex);
    const std::vector<float>* q =
        g && semantic.query_vector.size() == static_cast<size_t>(g->vectors->dimension()) ? &semantic.query_vector
                                                                                         : nullptr;
    auto fused = WeightedScoreFusion(kw, sem, semantic_weight_, [&g, q](int64_t id) -> std::optional<double> {
      if (!q) return std::nullopt;
      auto s = g->vectors->Similarity(q->data(), id);
      if (!s) return std::nullopt;
      return static_cast<double>(*s);
    });
    std::vector<ScoredDoc> out;
    for (const auto& f : fused) {
      if (static_cast<int>(out.size()) >= depth) break;
      out.push_back({f.doc_id, f.score});
    }
    return out;
  }

 private:
  GenerationPtr Current() const {
    std::lock_guard lock(current_mutex_);
    return current_;
  }
  void Publish(GenerationPtr g) {
    std::lock_guard lock(current_mutex_);
    current_ = std::move(g);
  }

  // Rocchio's pseudo-relevance feedback in the embedding space (Rocchio 1971; for dense
  // retrievers, Li et al., "Pseudo Relevance Feedback with Deep Language Models and Dense
  // Retrievers", 2021): q' = q/|q| + beta * mean of the first keyword hits' unit vectors. The
  // query's few words give a noisy vector; the papers BM25 ranks first are mostly on topic and
  // carry their whole abstracts' worth of evidence.
  static void AddFeedbackTo(const Generation& g, std::vector<float>& q, const std::vector<ScoredDoc>& feedback,
                            int prf_docs, double prf_weight) {
    const int docs = std::min<int>(prf_docs, static_cast<int>(feedback.size()));
    if (docs <= 0 || prf_weight <= 0) return;
    Normalize(q);
    std::vector<float> mean(q.size(), 0.f);
    int used = 0;
    for (int i = 0; i < docs; ++i) {
      auto v = g.vectors->Get(feedback[static_cast<size_t>(i)].doc_id);
      if (!v || v->size() != q.size()) continue;
      Normalize(*v);
      for (size_t d = 0; d < q.size(); ++d) mean[d] += (*v)[d];
      ++used;
    }
    if (used == 0) return;
    const float scale = static_cast<float>(prf_weight) / static_cast<float>(used);
    for (size_t d = 0; d < q.size(); ++d) q[d] += scale * mean[d];
    Normalize(q);
  }

  void AddFeedback(const Generation& g, std::vector<float>& q, const std::vector<ScoredDoc>& feedback) const {
    AddFeedbackTo(g, q, feedback, prf_docs_, prf_weight_);
  }

  static void Normalize(std::vector<float>& v) {
    double norm = 0;
    for (float x : v) norm += static_cast<double>(x) * x;
    if (norm <= 0) return;
    const auto inv = static_cast<float>(1.0 / std::sqrt(norm));
    for (float& x : v) x *= inv;
  }

  // Embeds a page of papers with kThreads threads; rows of papers not live stay zero.
  static std::vector<float> EmbedPage(const Embedder& model, const std::vector<store::StoredPaper>& page,
                                      const KeywordIndex& keyword) {
    const size_t dim = static_cast<size_t>(model.dimension());
    std::vector<float> out(page.size() * dim, 0.f);
    if (model.embeds_in_batches()) {  // a transformer batches and threads itself
      std::vector<Embedder::PaperText> texts;
      std::vector<size_t> rows;
      for (size_t i = 0; i < page.size(); ++i) {
        if (!keyword.IsLive(page[i].doc_id)) continue;
        texts.push_back({page[i].paper.title, page[i].paper.abstract});
        rows.push_back(i);
      }
      const std::vector<float> m = model.EmbedPapers(texts);
      for (size_t r = 0; r < rows.size(); ++r)
        std::copy(m.begin() + static_cast<long>(r * dim), m.begin() + static_cast<long>((r + 1) * dim),
                  out.begin() + static_cast<long>(rows[r] * dim));
      return out;
    }
    std::atomic<size_t> next{0};
    auto work = [&]() {
      for (size_t i; (i = next.fetch_add(1)) < page.size();) {
        if (!keyword.IsLive(page[i].doc_id)) continue;
        auto v = model.EmbedPaper(page[i].paper.title, page[i].paper.abstract);
        std::copy(v.begin(), v.end(), out.begin() + static_cast<long>(i * dim));
      }
    };
    std::thread helper(work);
    work();
    helper.join();
    return out;
  }

  static void AppendRecord(std::string& out, bool add, int64_t doc_id, int64_t seq, const float* v, size_t dim) {
    std::string rec;
    rec.push_back(add ? 'A' : 'R');
    rec.append(reinterpret_cast<const char*>(&doc_id), sizeof doc_id);
    rec.append(reinterpret_cast<const char*>(&seq), sizeof seq);
    if (add) rec.append(reinterpret_cast<const char*>(v), dim * sizeof(float));
    uint64_t sum = Fnv1a(rec.data(), rec.size());
    rec.append(reinterpret_cast<const char*>(&sum), sizeof sum);
    out += rec;
  }

  static void SyncFile(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
  }

  static Result<void> WriteState(const std::string& gen, const std::string& model_name, int64_t seq, int64_t docs) {
    nlohmann::json state = {{"change_seq", seq}, {"docs_trained", docs}, {"model", model_name}};
    return WriteFileAtomically(gen + "/STATE", state.dump() + "\n");
  }

  std::string NextGenerationName() {
    char name[32];
    std::snprintf(name, sizeof name, "gen-%06d", ++generation_);
    return name;
  }

  // Loads a generation and replays its journal; sets the maintenance counters from it.
  Result<GenerationPtr> LoadGeneration(const std::string& gen) {
    auto state = nlohmann::json::parse(ReadSmallFile(gen + "/STATE"), nullptr, false);
    if (state.is_discarded() || !state.is_object())
      return MakeError(ErrorCode::kInvalidInput, gen + "/STATE is damaged");
    auto model = LoadEmbedder(gen + "/model.bin");
    if (!model) return model.error();
    VectorIndexParams params;
    params.dimension = model.value()->dimension();
    auto index = VectorIndex::Load(gen + "/vectors.hnsw", params);
    if (!index) return index.error();
    auto g = std::make_shared<Generation>();
    g->model = std::move(model.value());
    g->vectors = std::move(index.value());
    change_seq_ = state.value("change_seq", int64_t{0});
    docs_trained_ = state.value("docs_trained", int64_t{0});
    // Replay the journal up to its first torn record, and cut that off.
    const std::string journal = gen + "/journal";
    std::string data = ReadSmallFile(journal);
    const size_t dim = static_cast<size_t>(params.dimension);
    size_t pos = 0;
    journal_records_ = 0;
    while (pos < data.size()) {
      const char op = data[pos];
      const size_t body = 1 + 16 + (op == 'A' ? dim * sizeof(float) : 0);
      if ((op != 'A' && op != 'R') || pos + body + 8 > data.size()) break;
      uint64_t sum;
      std::memcpy(&sum, data.data() + pos + body, sizeof sum);
      if (Fnv1a(data.data() + pos, body) != sum) break;
      int64_t doc_id, seq;
      std::memcpy(&doc_id, data.data() + pos + 1, 8);
      std::memcpy(&seq, data.data() + pos + 9, 8);
      if (op == 'A') g->vectors->Add(doc_id, reinterpret_cast<const float*>(data.data() + pos + 17));
      else g->vectors->Remove(doc_id);
      change_seq_ = std::max(change_seq_, seq);
      ++journal_records_;
      pos += body + 8;
    }
    if (pos < data.size()) {
      if (::truncate(journal.c_str(), static_cast<off_t>(pos)) != 0)
        return MakeError(ErrorCode::kIo, "cannot repair " + journal + ": " + std::strerror(errno));
    }
    return g;
  }

  // Writes the vectors as the generation's snapshot and empties its journal. Only maintenance
  // changes the vectors, and it is the caller, so reading them here needs no lock.
  Result<void> Snapshot(const Generation& g) {
    if (auto r = g.vectors->Save(gen_dir_ + "/vectors.hnsw"); !r) return r;
    if (auto r = WriteState(gen_dir_, g.model->name(), change_seq_, docs_trained_); !r) return r;
    if (::truncate((gen_dir_ + "/journal").c_str(), 0) != 0 && errno != ENOENT)
      return MakeError(ErrorCode::kIo, "cannot reset " + gen_dir_ + "/journal: " + std::strerror(errno));
    journal_records_ = 0;
    return {};
  }

  using Error = core::Error;
  std::string dir_;
  const KeywordIndex& keyword_;
  SemanticOptions options_;
  mutable std::mutex current_mutex_;  // guards only the pointer swap
  GenerationPtr current_;              // nullptr until a generation is built or loaded
  // Maintenance state, touched only by CatchUp and Rebuild (which the service serialises).
  std::string gen_dir_;
  int generation_ = 0;
  int64_t change_seq_ = 0;
  int64_t docs_trained_ = 0;
  int64_t journal_records_ = 0;
  double semantic_weight_;
  int prf_docs_;
  double prf_weight_;
};

}  // namespace

core::Result<std::unique_ptr<SemanticBackend>> MakeSemanticBackend(const std::string& index_dir,
                                                                   store::Catalogue& catalogue,
                                                                   const KeywordIndex& keyword,
                                                                   const SemanticOptions& options) {
  (void)catalogue;  // the first CatchUp trains and fills the index
  auto backend = std::make_unique<Backend>(index_dir + "/semantic", keyword, options);
  if (auto r = backend->Open(); !r) return r.error();
  return std::unique_ptr<SemanticBackend>(std::move(backend));
}

}  // namespace paperfeed::search
