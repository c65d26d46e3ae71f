// search/embedder: the default embedder — a bag of learned word vectors, trained on the
// catalogue's own titles and abstracts.
//
// Method (each step kept because it measured better on SciFact-train and on the arXiv
// summary -> paper set; see bench/eval_semantic.sh and the report in docs/benchmarks.md):
//  1. Word vectors from co-occurrence: positive pointwise mutual information (PPMI) over a
//     ±10-word window with harmonic distance weights and context-distribution smoothing
//     (alpha 0.75; Levy, Goldberg & Dagan 2015), factorised to `dimension` by a randomised
//     eigendecomposition. (A Gaussian random projection of the PPMI rows retrieves as well before
//     step 2, but ends 0.03 nDCG@10 lower after it on SciFact: the factorised start is better.)
//  2. Contrastive fine-tuning with the inverse cloze task (Lee, Chang & Toutanova 2019): a random
//     sentence of an abstract (or its title) is the query, the rest of the abstract the positive,
//     the other documents of the batch the negatives (InfoNCE, temperature 0.05), AdaGrad. This
//     teaches which words of a short text point to which words of the paper it came from: on
//     SciFact dense nDCG@10 went from 0.557 to 0.64.
//  3. Pooling: SIF weights a / (a + p(w)) (Arora, Liang & Ma 2017), then L2 normalisation.
// Words are the keyword index's terms (search/tokenizer: folded, stemmed, stopwords dropped), so
// "networks" and "network" share a vector.
#include "search/embedder.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <numeric>
#include <random>
#include <thread>
#include <unordered_map>

#include <fcntl.h>
#include <unistd.h>

#include "core/progress.hpp"
#include "search/model/pretrained_model.hpp"
#include "search/tokenizer.hpp"

namespace paperfeed::search {
namespace {

using core::ErrorCode;
using core::MakeError;
using core::Result;

constexpr char kMagic[8] = {'P', 'F', 'E', 'M', 'B', '0', '0', '1'};
constexpr const char* kModelName = "ict-wordbag-v1";
// SIF's smoothing constant a; 1e-3 is the paper's recommended value for corpora of this size.
constexpr double kSifA = 1e-3;
// Probability that the ICT positive keeps the query sentence (the paper uses 0.1): the model
// must also learn plain word overlap, which is what most real queries have.
constexpr double kKeepQuerySentence = 0.1;

// FNV-1a over the payload, to refuse a torn or damaged model file.
uint64_t Fnv1a(const char* data, size_t n, uint64_t h = 1469598103934665603ull) {
  for (size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(data[i]);
    h *= 1099511628211ull;
  }
  return h;
}

// Splits an abstract into sentences: at . ! ? followed by spaces and an upper-case letter, or
// directly by an upper-case letter (SciFact's abstracts lost the space between sentences).
std::vector<std::string_view> SplitSentences(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '.' && c != '!' && c != '?') continue;
    size_t j = i + 1;
    while (j < text.size() && (text[j] == ' ' || text[j] == '\n' || text[j] == '\t')) ++j;
    if (j < text.size() && text[j] >= 'A' && text[j] <= 'Z' && j - i <= 3) {
      out.push_back(text.substr(start, i + 1 - start));
      start = j;
    }
  }
  if (start < text.size()) out.push_back(text.substr(start));
  return out;
}

// An open-addressing map from a word pair to its weighted co-occurrence count.
class PairCounts {
 public:
  PairCounts() { Resize(1 << 20); }
  void Add(uint32_t a, uint32_t b, float w) {
    if (size_ * 2 >= keys_.size()) Resize(keys_.size() * 2);
    uint64_t key = (static_cast<uint64_t>(a) << 32) | b;
    size_t mask = keys_.size() - 1;
    size_t i = Hash(key) & mask;
    while (keys_[i] != kEmpty && keys_[i] != key) i = (i + 1) & mask;
    if (keys_[i] == kEmpty) {
      keys_[i] = key;
      ++size_;
    }
    values_[i] += w;
  }
  template <typename Fn>
  void ForEach(Fn fn) const {
    for (size_t i = 0; i < keys_.size(); ++i)
      if (keys_[i] != kEmpty) fn(static_cast<uint32_t>(keys_[i] >> 32), static_cast<uint32_t>(keys_[i]), values_[i]);
  }

 private:
  static constexpr uint64_t kEmpty = ~0ull;
  static uint64_t Hash(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x;
  }
  void Resize(size_t capacity) {
    std::vector<uint64_t> keys(capacity, kEmpty);
    std::vector<float> values(capacity, 0.f);
    size_t mask = capacity - 1;
    for (size_t i = 0; i < keys_.size(); ++i) {
      if (keys_[i] == kEmpty) continue;
      size_t j = Hash(keys_[i]) & mask;
      while (keys[j] != kEmpty) j = (j + 1) & mask;
      keys[j] = keys_[i];
      values[j] = values_[i];
    }
    keys_.swap(keys);
    values_.swap(values);
  }
  std::vector<uint64_t> keys_;
  std::vector<float> values_;
  size_t size_ = 0;
};

class WordBagEmbedder final : public Embedder {
 public:
  WordBagEmbedder(int dim, std::vector<std::string> words, std::vector<float> weights, std::vector<float> vectors)
      : dim_(dim), words_(std::move(words)), weights_(std::move(weights)), vectors_(std::move(vectors)) {
    index_.reserve(words_.size());
    for (size_t i = 0; i < words_.size(); ++i) index_.emplace(words_[i], static_cast<int32_t>(i));
  }

  std::string name() const override { return kModelName; }
  int dimension() const override { return dim_; }

  std::vector<float> Embed(std::string_view text) const override { return Pool(IndexTerms(text)); }

  std::vector<float> EmbedPaper(std::string_view title, std::string_view abstract) const override {
    std::vector<std::string> terms = IndexTerms(title);
    std::vector<std::string> more = IndexTerms(abstract);
    terms.insert(terms.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
    return Pool(terms);
  }

  Result<void> Save(const std::string& path) const override {
    std::string payload;
    auto put = [&payload](const void* p, size_t n) { payload.append(static_cast<const char*>(p), n); };
    int32_t dim = dim_;
    uint64_t count = words_.size();
    put(&dim, sizeof dim);
    put(&count, sizeof count);
    for (const auto& w : words_) {
      uint32_t len = static_cast<uint32_t>(w.size());
      put(&len, sizeof len);
      put(w.data(), w.size());
    }
    put(weights_.data(), weights_.size() * sizeof(float));
    put(vectors_.data(), vectors_.size() * sizeof(float));
    uint64_t sum = Fnv1a(payload.data(), payload.size());

    std::string tmp = path + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return MakeError(ErrorCode::kIo, "cannot write embedder model " + tmp + ": " + std::strerror(errno));
    std::string header(kMagic, sizeof kMagic);
    header.append(reinterpret_cast<const char*>(&sum), sizeof sum);
    bool ok = true;
    for (const std::string* part : {&header, &payload}) {
      const char* p = part->data();
      size_t left = part->size();
      while (ok && left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n <= 0) ok = false;
        else { p += n; left -= static_cast<size_t>(n); }
      }
    }
    ok = ok && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
      ::unlink(tmp.c_str());
      return MakeError(ErrorCode::kIo, "cannot write embedder model " + path + ": " + std::strerror(errno));
    }
    return {};
  }

  // Reads what Save wrote.
  static Result<std::unique_ptr<Embedder>> Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return MakeError(ErrorCode::kNotFound, "embedder model " + path + " does not exist");
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto bad = [&path](const std::string& why) {
      return MakeError(ErrorCode::kInvalidInput, "embedder model " + path + " is damaged (" + why +
                                                     "); run `paperfeed index rebuild`");
    };
    if (data.size() < 16 || std::memcmp(data.data(), kMagic, sizeof kMagic) != 0) return bad("not a model file");
    uint64_t sum;
    std::memcpy(&sum, data.data() + 8, sizeof sum);
    if (Fnv1a(data.data() + 16, data.size() - 16) != sum) return bad("checksum mismatch");
    size_t pos = 16;
    auto get = [&](void* p, size_t n) {
      if (pos + n > data.size()) return false;
      std::memcpy(p, data.data() + pos, n);
      pos += n;
      return true;
    };
    int32_t dim = 0;
    uint64_t count = 0;
    if (!get(&dim, sizeof dim) || !get(&count, sizeof count) || dim <= 0 || dim > 4096) return bad("header");
    std::vector<std::string> words;
    words.reserve(count);
    for (uint64_t i = 0; i < count; ++i) {
      uint32_t len = 0;
      if (!get(&len, sizeof len) || pos + len > data.size()) return bad("vocabulary");
      words.emplace_back(data.data() + pos, len);
      pos += len;
    }
    std::vector<float> weights(count), vectors(count * static_cast<size_t>(dim));
    if (!get(weights.data(), weights.size() * sizeof(float)) || !get(vectors.data(), vectors.size() * sizeof(float)))
      return bad("vectors");
    return std::unique_ptr<Embedder>(
        std::make_unique<WordBagEmbedder>(dim, std::move(words), std::move(weights), std::move(vectors)));
  }

 private:
  std::vector<float> Pool(const std::vector<std::string>& terms) const {
    std::vector<float> out(static_cast<size_t>(dim_), 0.f);
    for (const auto& t : terms) {
      auto it = index_.find(t);
      if (it == index_.end()) continue;
      const float w = weights_[static_cast<size_t>(it->second)];
      const float* v = &vectors_[static_cast<size_t>(it->second) * static_cast<size_t>(dim_)];
      for (int k = 0; k < dim_; ++k) out[k] += w * v[k];
    }
    double norm = 0;
    for (float x : out) norm += static_cast<double>(x) * x;
    if (norm > 0) {
      const float inv = static_cast<float>(1.0 / std::sqrt(norm));
      for (float& x : out) x *= inv;
    }
    return out;
  }

  int dim_;
  std::vector<std::string> words_;
  std::vector<float> weights_;   // SIF weight per word
  std::vector<float> vectors_;   // words_.size() x dim_, row-major
  std::unordered_map<std::string, int32_t> index_;
};

// ---- training ----

using Bag = std::vector<std::pair<int32_t, float>>;  // (word, weight) of one pooled text

struct Corpus {
  std::vector<std::string> words;
  std::vector<double> counts;
  // Per document: its sentences (title first) as word ids.
  std::vector<std::vector<std::vector<int32_t>>> docs;
};

Corpus ReadCorpus(const TrainingSource& source, const EmbedderTrainOptions& options) {
  // Reservoir sampling (Vitter's algorithm R) keeps a uniform sample of any corpus size.
  std::vector<TrainingDoc> sample;
  std::mt19937_64 rng(options.seed);
  int64_t seen = 0;
  TrainingDoc doc;
  {
    core::ProgressBar bar("embedder: reading", 0, "papers");
    bar.set_enabled(options.progress && bar.enabled());
    while (source(doc)) {
      ++seen;
      if (static_cast<int64_t>(sample.size()) < options.max_train_docs) {
        sample.push_back(std::move(doc));
      } else {
        std::uniform_int_distribution<int64_t> pick(0, seen - 1);
        int64_t j = pick(rng);
        if (j < options.max_train_docs) sample[static_cast<size_t>(j)] = std::move(doc);
      }
      doc = TrainingDoc{};
      if ((seen & 4095) == 0) bar.Update(static_cast<uint64_t>(seen));
    }
    bar.Update(static_cast<uint64_t>(seen));
    bar.Finish();
  }

  // Term strings per sentence, then the vocabulary: the most frequent terms seen min_count times.
  std::vector<std::vector<std::vector<std::string>>> texts(sample.size());
  std::unordered_map<std::string, int64_t> freq;
  for (size_t d = 0; d < sample.size(); ++d) {
    texts[d].push_back(IndexTerms(sample[d].title));
    for (auto s : SplitSentences(sample[d].abstract)) texts[d].push_back(IndexTerms(s));
    for (const auto& s : texts[d])
      for (const auto& t : s) ++freq[t];
  }
  std::vector<std::pair<std::string, int64_t>> ranked;
  for (auto& [w, c] : freq)
    if (c >= options.min_count) ranked.emplace_back(w, c);
  std::sort(ranked.begin(), ranked.end(),
            [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
  if (static_cast<int>(ranked.size()) > options.max_vocabulary) ranked.resize(static_cast<size_t>(options.max_vocabulary));

  Corpus corpus;
  std::unordered_map<std::string, int32_t> ids;
  for (auto& [w, c] : ranked) {
    ids.emplace(w, static_cast<int32_t>(corpus.words.size()));
    corpus.words.push_back(w);
    corpus.counts.push_back(static_cast<double>(c));
  }
  corpus.docs.resize(sample.size());
  for (size_t d = 0; d < texts.size(); ++d) {
    for (const auto& s : texts[d]) {
      std::vector<int32_t> sentence;
      for (const auto& t : s) {
        auto it = ids.find(t);
        if (it != ids.end()) sentence.push_back(it->second);
      }
      if (!sentence.empty()) corpus.docs[d].push_back(std::move(sentence));
    }
  }
  return corpus;
}

// A sparse symmetric matrix in compressed rows.
struct SparseMatrix {
  size_t n = 0;
  std::vector<size_t> row_start;
  std::vector<uint32_t> col;
  std::vector<float> val;

  // out (n x l, row-major) = this * x (n x l), rows split over two threads (each row is
  // computed by one thread alone, so the result does not depend on the split).
  void Multiply(const std::vector<float>& x, size_t l, std::vector<float>& out) const {
    out.assign(n * l, 0.f);
    auto rows = [&](size_t from, size_t to) {
      for (size_t r = from; r < to; ++r) {
        float* o = &out[r * l];
        for (size_t k = row_start[r]; k < row_start[r + 1]; ++k) {
          const float v = val[k];
          const float* xi = &x[static_cast<size_t>(col[k]) * l];
          for (size_t j = 0; j < l; ++j) o[j] += v * xi[j];
        }
      }
    };
    std::thread helper(rows, n / 2, n);
    rows(0, n / 2);
    helper.join();
  }
};

// Orthonormalises the columns of y (n x l, row-major) in place: Cholesky QR, done twice for
// accuracy (CholQR2, Fukaya et al. 2014). Returns false when the columns are dependent.
bool Orthonormalise(std::vector<float>& y, size_t n, size_t l) {
  for (int pass = 0; pass < 2; ++pass) {
    std::vector<double> g(l * l, 0.0);
    for (size_t r = 0; r < n; ++r) {
      const float* yr = &y[r * l];
      for (size_t i = 0; i < l; ++i) {
        const double a = yr[i];
        if (a == 0) continue;
        for (size_t j = i; j < l; ++j) g[i * l + j] += a * yr[j];
      }
    }
    // g = R^T R, R upper triangular.
    std::vector<double> rt(l * l, 0.0);
    for (size_t i = 0; i < l; ++i) {
      for (size_t j = i; j < l; ++j) {
        double sum = g[i * l + j];
        for (size_t k = 0; k < i; ++k) sum -= rt[k * l + i] * rt[k * l + j];
        if (i == j) {
          if (sum <= 1e-12) return false;
          rt[i * l + i] = std::sqrt(sum);
        } else {
          rt[i * l + j] = sum / rt[i * l + i];
        }
      }
    }
    // y = y R^{-1}, row by row (forward substitution).
    std::vector<double> row(l);
    for (size_t r = 0; r < n; ++r) {
      float* yr = &y[r * l];
      for (size_t j = 0; j < l; ++j) {
        double sum = yr[j];
        for (size_t k = 0; k < j; ++k) sum -= row[k] * rt[k * l + j];
        row[j] = sum / rt[j * l + j];
      }
      for (size_t j = 0; j < l; ++j) yr[j] = static_cast<float>(row[j]);
    }
  }
  return true;
}

// Eigen-decomposes the symmetric l x l matrix a (cyclic Jacobi): eigenvalues on return in
// `values`, eigenvectors in the columns of `vectors`.
void SymmetricEigen(std::vector<double> a, size_t l, std::vector<double>& values, std::vector<double>& vectors) {
  vectors.assign(l * l, 0.0);
  for (size_t i = 0; i < l; ++i) vectors[i * l + i] = 1.0;
  for (int sweep = 0; sweep < 60; ++sweep) {
    double off = 0;
    for (size_t i = 0; i < l; ++i)
      for (size_t j = i + 1; j < l; ++j) off += a[i * l + j] * a[i * l + j];
    if (off < 1e-22) break;
    for (size_t p = 0; p < l; ++p) {
      for (size_t q = p + 1; q < l; ++q) {
        const double apq = a[p * l + q];
        if (std::fabs(apq) < 1e-300) continue;
        const double theta = (a[q * l + q] - a[p * l + p]) / (2 * apq);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (size_t k = 0; k < l; ++k) {  // columns p, q
          const double akp = a[k * l + p], akq = a[k * l + q];
          a[k * l + p] = c * akp - s * akq;
          a[k * l + q] = s * akp + c * akq;
        }
        for (size_t k = 0; k < l; ++k) {  // rows p, q
          const double apk = a[p * l + k], aqk = a[q * l + k];
          a[p * l + k] = c * apk - s * aqk;
          a[q * l + k] = s * apk + c * aqk;
        }
        for (size_t k = 0; k < l; ++k) {
          const double vkp = vectors[k * l + p], vkq = vectors[k * l + q];
          vectors[k * l + p] = c * vkp - s * vkq;
          vectors[k * l + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  values.resize(l);
  for (size_t i = 0; i < l; ++i) values[i] = a[i * l + i];
}

void NormaliseRows(std::vector<float>& vectors, size_t V, size_t D, const std::vector<float>& fallback) {
  for (size_t w = 0; w < V; ++w) {
    float* v = &vectors[w * D];
    double norm = 0;
    for (size_t k = 0; k < D; ++k) norm += static_cast<double>(v[k]) * v[k];
    if (norm < 1e-20) {  // a word with no positive association: its own random direction
      std::memcpy(v, &fallback[w * D], D * sizeof(float));
      norm = 0;
      for (size_t k = 0; k < D; ++k) norm += static_cast<double>(v[k]) * v[k];
    }
    const float inv = static_cast<float>(1.0 / std::sqrt(norm + 1e-30));
    for (size_t k = 0; k < D; ++k) v[k] *= inv;
  }
}

// Step 1: PPMI word vectors of `dim` dimensions, rows unit length. The symmetrised PPMI matrix
// is factorised by a randomised eigendecomposition (Halko, Martinsson & Tropp 2011: range finder
// with one power iteration, 10 oversamples); word vectors are U * sqrt(|lambda|) (the
// eigenvalue weighting p = 0.5 of Levy et al. 2015). A vocabulary too small for that gets a
// Gaussian random projection of its PPMI rows instead.
std::vector<float> InitialVectors(const Corpus& corpus, int dim, int window, std::mt19937_64& rng) {
  const size_t V = corpus.words.size();
  const size_t D = static_cast<size_t>(dim);
  PairCounts pairs;
  for (const auto& doc : corpus.docs) {
    std::vector<int32_t> seq;
    for (const auto& s : doc) seq.insert(seq.end(), s.begin(), s.end());
    for (size_t i = 0; i < seq.size(); ++i) {
      for (size_t j = i + 1; j < seq.size() && j <= i + static_cast<size_t>(window); ++j) {
        if (seq[i] == seq[j]) continue;
        uint32_t a = static_cast<uint32_t>(std::min(seq[i], seq[j]));
        uint32_t b = static_cast<uint32_t>(std::max(seq[i], seq[j]));
        pairs.Add(a, b, 1.0f / static_cast<float>(j - i));  // harmonic weight, as GloVe
      }
    }
  }
  std::vector<double> row(V, 0.0);
  pairs.ForEach([&](uint32_t a, uint32_t b, float c) {
    row[a] += c;
    row[b] += c;
  });
  std::vector<double> ctx(V);
  double ctx_total = 0;
  for (size_t i = 0; i < V; ++i) ctx_total += ctx[i] = std::pow(row[i], 0.75);
  for (auto& c : ctx) c /= ctx_total > 0 ? ctx_total : 1;

  // The symmetrised PPMI matrix, (PPMI(a,b) + PPMI(b,a)) / 2, in compressed rows.
  SparseMatrix m;
  m.n = V;
  m.row_start.assign(V + 1, 0);
  pairs.ForEach([&](uint32_t a, uint32_t b, float c) {
    double v = (std::max(0.0, std::log(c / (row[a] * ctx[b]))) + std::max(0.0, std::log(c / (row[b] * ctx[a])))) / 2;
    if (v > 0) {
      ++m.row_start[a + 1];
      ++m.row_start[b + 1];
    }
  });
  for (size_t i = 0; i < V; ++i) m.row_start[i + 1] += m.row_start[i];
  m.col.resize(m.row_start[V]);
  m.val.resize(m.row_start[V]);
  {
    std::vector<size_t> fill(m.row_start.begin(), m.row_start.end() - 1);
    pairs.ForEach([&](uint32_t a, uint32_t b, float c) {
      double v = (std::max(0.0, std::log(c / (row[a] * ctx[b]))) + std::max(0.0, std::log(c / (row[b] * ctx[a])))) / 2;
      if (v <= 0) return;
      m.col[fill[a]] = b;
      m.val[fill[a]++] = static_cast<float>(v);
      m.col[fill[b]] = a;
      m.val[fill[b]++] = static_cast<float>(v);
    });
  }

  std::normal_distribution<float> normal(0.f, 1.f);
  std::vector<float> random(V * D);
  for (auto& x : random) x = normal(rng) / std::sqrt(static_cast<float>(dim));
  std::vector<float> vectors;
  const size_t l = D + 10;
  bool factorised = false;
  if (V > 2 * l) {
    std::vector<float> omega(V * l), y, q;
    for (auto& x : omega) x = normal(rng);
    m.Multiply(omega, l, y);
    if (Orthonormalise(y, V, l)) {
      m.Multiply(y, l, q);  // one power iteration sharpens the spectrum's head
      if (Orthonormalise(q, V, l)) {
        std::vector<float> sq;
        m.Multiply(q, l, sq);
        std::vector<double> t(l * l, 0.0);  // T = Q^T S Q
        for (size_t r = 0; r < V; ++r)
          for (size_t i = 0; i < l; ++i) {
            const double qi = q[r * l + i];
            if (qi == 0) continue;
            for (size_t j = 0; j < l; ++j) t[i * l + j] += qi * sq[r * l + j];
          }
        for (size_t i = 0; i < l; ++i)
          for (size_t j = i + 1; j < l; ++j) t[i * l + j] = t[j * l + i] = (t[i * l + j] + t[j * l + i]) / 2;
        std::vector<double> values, eig;
        SymmetricEigen(t, l, values, eig);
        std::vector<size_t> order(l);
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return std::fabs(values[a]) > std::fabs(values[b]); });
        vectors.assign(V * D, 0.f);
        for (size_t r = 0; r < V; ++r)
          for (size_t k = 0; k < D; ++k) {
            const size_t e = order[k];
            double sum = 0;
            for (size_t i = 0; i < l; ++i) sum += static_cast<double>(q[r * l + i]) * eig[i * l + e];
            vectors[r * D + k] = static_cast<float>(sum * std::sqrt(std::fabs(values[e])));
          }
        factorised = true;
      }
    }
  }
  if (!factorised) {
    std::vector<float> projection(V * D);
    for (auto& x : projection) x = normal(rng) / std::sqrt(static_cast<float>(dim));
    m.Multiply(projection, D, vectors);
  }
  NormaliseRows(vectors, V, D, random);
  return vectors;
}

// Pools `bag` into `out` (dim floats) and returns its norm.
float PoolInto(const Bag& bag, const std::vector<float>& vectors, size_t D, float* out) {
  std::fill(out, out + D, 0.f);
  for (const auto& [w, wt] : bag) {
    const float* v = &vectors[static_cast<size_t>(w) * D];
    for (size_t k = 0; k < D; ++k) out[k] += wt * v[k];
  }
  double norm = 0;
  for (size_t k = 0; k < D; ++k) norm += static_cast<double>(out[k]) * out[k];
  return static_cast<float>(std::sqrt(norm)) + 1e-9f;
}

// Step 2: inverse-cloze-task contrastive training with in-batch negatives.
void TrainIct(const Corpus& corpus, const std::vector<float>& sif, const EmbedderTrainOptions& options,
              std::vector<float>& vectors, std::mt19937_64& rng) {
  const size_t D = static_cast<size_t>(options.dimension);
  const size_t B = static_cast<size_t>(std::max(2, options.batch));
  std::vector<size_t> usable;
  for (size_t d = 0; d < corpus.docs.size(); ++d)
    if (corpus.docs[d].size() >= 2) usable.push_back(d);
  if (usable.size() < B) return;  // too small a corpus to learn from negatives
  const size_t V = corpus.words.size();
  std::vector<float> sq(V * D, 1e-8f);     // AdaGrad accumulators
  std::vector<float> grad(V * D, 0.f);
  std::vector<uint8_t> touched(V, 0);
  std::vector<int32_t> touched_list;
  std::vector<float> q(B * D), d(B * D), qn(B), dn(B), logits(B * B), gq(B * D), gd(B * D);
  std::vector<Bag> qbags(B), dbags(B);
  const float inv_tau = 1.0f / options.temperature;
  std::uniform_real_distribution<double> unit(0.0, 1.0);

  const size_t batches = usable.size() / B;
  core::ProgressBar bar("embedder: training", static_cast<uint64_t>(batches * static_cast<size_t>(options.epochs)), "batches");
  bar.set_enabled(options.progress && bar.enabled());
  uint64_t done = 0;
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    std::shuffle(usable.begin(), usable.end(), rng);
    for (size_t start = 0; start + B <= usable.size(); start += B) {
      for (size_t b = 0; b < B; ++b) {
        const auto& sentences = corpus.docs[usable[start + b]];
        std::uniform_int_distribution<size_t> pick(0, sentences.size() - 1);
        size_t k = pick(rng);
        qbags[b].clear();
        dbags[b].clear();
        for (int32_t w : sentences[k]) qbags[b].emplace_back(w, sif[static_cast<size_t>(w)]);
        for (size_t j = 0; j < sentences.size(); ++j) {
          if (j == k && unit(rng) >= kKeepQuerySentence) continue;
          for (int32_t w : sentences[j]) dbags[b].emplace_back(w, sif[static_cast<size_t>(w)]);
        }
        qn[b] = PoolInto(qbags[b], vectors, D, &q[b * D]);
        dn[b] = PoolInto(dbags[b], vectors, D, &d[b * D]);
        for (size_t x = 0; x < D; ++x) {
          q[b * D + x] /= qn[b];
          d[b * D + x] /= dn[b];
        }
      }
      // Softmax over the batch of cosine / tau; gradient of the InfoNCE loss (P - I) / (B tau).
      for (size_t i = 0; i < B; ++i) {
        float mx = -1e30f;
        for (size_t j = 0; j < B; ++j) {
          float s = 0;
          for (size_t x = 0; x < D; ++x) s += q[i * D + x] * d[j * D + x];
          logits[i * B + j] = s * inv_tau;
          mx = std::max(mx, logits[i * B + j]);
        }
        float z = 0;
        for (size_t j = 0; j < B; ++j) z += logits[i * B + j] = std::exp(logits[i * B + j] - mx);
        for (size_t j = 0; j < B; ++j) {
          logits[i * B + j] /= z;
          if (i == j) logits[i * B + j] -= 1.f;
          logits[i * B + j] *= inv_tau / static_cast<float>(B);
        }
      }
      std::fill(gq.begin(), gq.end(), 0.f);
      std::fill(gd.begin(), gd.end(), 0.f);
      for (size_t i = 0; i < B; ++i)
        for (size_t j = 0; j < B; ++j) {
          const float g = logits[i * B + j];
          for (size_t x = 0; x < D; ++x) {
            gq[i * D + x] += g * d[j * D + x];
            gd[j * D + x] += g * q[i * D + x];
          }
        }
      // Through the normalisation: g_v = (g_h - h (g_h . h)) / |v|.
      for (size_t b = 0; b < B; ++b) {
        float dq = 0, dd = 0;
        for (size_t x = 0; x < D; ++x) {
          dq += gq[b * D + x] * q[b * D + x];
          dd += gd[b * D + x] * d[b * D + x];
        }
        for (size_t x = 0; x < D; ++x) {
          gq[b * D + x] = (gq[b * D + x] - q[b * D + x] * dq) / qn[b];
          gd[b * D + x] = (gd[b * D + x] - d[b * D + x] * dd) / dn[b];
        }
      }
      for (size_t b = 0; b < B; ++b) {
        for (int side = 0; side < 2; ++side) {
          const Bag& bag = side == 0 ? qbags[b] : dbags[b];
          const float* g = side == 0 ? &gq[b * D] : &gd[b * D];
          for (const auto& [w, wt] : bag) {
            if (!touched[static_cast<size_t>(w)]) {
              touched[static_cast<size_t>(w)] = 1;
              touched_list.push_back(w);
            }
            float* acc = &grad[static_cast<size_t>(w) * D];
            for (size_t x = 0; x < D; ++x) acc[x] += wt * g[x];
          }
        }
      }
      // AdaGrad (Duchi et al. 2011): rare words keep a large step, frequent ones settle.
      std::sort(touched_list.begin(), touched_list.end());  // a fixed order keeps training deterministic
      for (int32_t w : touched_list) {
        float* acc = &grad[static_cast<size_t>(w) * D];
        float* s = &sq[static_cast<size_t>(w) * D];
        float* v = &vectors[static_cast<size_t>(w) * D];
        for (size_t x = 0; x < D; ++x) {
          s[x] += acc[x] * acc[x];
          v[x] -= options.learning_rate * acc[x] / std::sqrt(s[x]);
          acc[x] = 0.f;
        }
        touched[static_cast<size_t>(w)] = 0;
      }
      touched_list.clear();
      bar.Update(++done);
    }
  }
  bar.Finish();
}

}  // namespace

Result<std::unique_ptr<Embedder>> TrainDefaultEmbedder(const TrainingSource& source, const EmbedderTrainOptions& options) {
  if (options.dimension < 2 || options.dimension > 4096)
    return MakeError(ErrorCode::kInvalidInput, "embedder dimension must be between 2 and 4096");
  std::mt19937_64 rng(options.seed);
  Corpus corpus = ReadCorpus(source, options);
  const size_t V = corpus.words.size();
  std::vector<float> sif(V);
  double total = std::accumulate(corpus.counts.begin(), corpus.counts.end(), 0.0);
  for (size_t w = 0; w < V; ++w) sif[w] = static_cast<float>(kSifA / (kSifA + corpus.counts[w] / total));
  std::vector<float> vectors = InitialVectors(corpus, options.dimension, options.window, rng);
  TrainIct(corpus, sif, options, vectors, rng);
  return std::unique_ptr<Embedder>(
      std::make_unique<WordBagEmbedder>(options.dimension, std::move(corpus.words), std::move(sif), std::move(vectors)));
}

std::vector<float> Embedder::EmbedPapers(const std::vector<PaperText>& papers) const {
  const size_t dim = static_cast<size_t>(dimension());
  std::vector<float> out(papers.size() * dim, 0.f);
  for (size_t i = 0; i < papers.size(); ++i) {
    auto v = EmbedPaper(papers[i].title, papers[i].abstract);
    std::copy(v.begin(), v.end(), out.begin() + static_cast<long>(i * dim));
  }
  return out;
}

Result<std::unique_ptr<Embedder>> LoadEmbedder(const std::string& path) {
  // A pretrained model is stored as a small JSON reference to its folder (search/model).
  std::ifstream in(path, std::ios::binary);
  if (in && in.peek() == '{') {
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return model::LoadPretrainedReference(text, path);
  }
  return WordBagEmbedder::Read(path);
}

}  // namespace paperfeed::search
