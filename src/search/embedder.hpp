// search/embedder: turns a paper's or a query's text into a fixed-length unit vector, so that
// texts about the same thing lie close together (cosine similarity) even when their words differ.
//
// `Embedder` is the interface every model implements (pretrained BERT-family encoders plug in
// through search/model/pretrained_model); `TrainDefaultEmbedder` learns the default model from the catalogue itself, with no
// network and no pretrained file (see embedder.cpp for the method and the measurements behind it).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace paperfeed::search {

class Embedder {
 public:
  virtual ~Embedder() = default;

  // A short name of the model and its version, stored beside the vectors it made.
  virtual std::string name() const = 0;
  virtual int dimension() const = 0;
  // The unit-length embedding of `text`; all zeros when the model knows none of its words.
  virtual std::vector<float> Embed(std::string_view text) const = 0;
  // Embeds a paper: its title and abstract.
  virtual std::vector<float> EmbedPaper(std::string_view title, std::string_view abstract) const = 0;
  // Embeds many papers at once, row-major [papers, dimension]. Models that batch (a transformer)
  // override it; the default calls EmbedPaper for each.
  struct PaperText {
    std::string_view title;
    std::string_view abstract;
  };
  virtual std::vector<float> EmbedPapers(const std::vector<PaperText>& papers) const;
  // True when EmbedPapers is faster than EmbedPaper on several threads (it parallelises itself).
  virtual bool embeds_in_batches() const { return false; }
  // Writes the model to `path` atomically (temporary file, fsync, rename).
  virtual core::Result<void> Save(const std::string& path) const = 0;
};

// One training document, as the catalogue holds it.
struct TrainingDoc {
  std::string title;
  std::string abstract;
};

// Pulls the next training document into `doc`; returns false at the end of the corpus.
using TrainingSource = std::function<bool(TrainingDoc& doc)>;

struct EmbedderTrainOptions {
  int dimension = 256;
  // Training reads at most this many documents, a uniform sample (reservoir) of the corpus.
  int64_t max_train_docs = 150000;
  int max_vocabulary = 250000;
  int min_count = 2;
  int window = 10;            // co-occurrence window of the initial word vectors
  int epochs = 3;             // passes of contrastive (inverse-cloze) training
  int batch = 256;
  float temperature = 0.05f;
  float learning_rate = 0.05f;
  uint64_t seed = 42;
  bool progress = false;      // print a progress bar on stderr
};

// Learns the default embedder from `source` (see embedder.cpp). Deterministic for a seed.
core::Result<std::unique_ptr<Embedder>> TrainDefaultEmbedder(const TrainingSource& source,
                                                             const EmbedderTrainOptions& options = {});

// Loads a model that Embedder::Save wrote; kInvalidInput when the file is not one or is damaged.
core::Result<std::unique_ptr<Embedder>> LoadEmbedder(const std::string& path);

}  // namespace paperfeed::search
