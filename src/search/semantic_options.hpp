// search/semantic_options: how the semantic half embeds papers — the learned embedder or a
// pretrained model folder (search/model). Filled from the configuration by the composition root.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace paperfeed::search {

struct SemanticOptions {
  // A Hugging Face model folder (BERT family; `paperfeed model add/pull`). Empty: the embedder
  // learned from the catalogue. Set, the next rebuild (and an index built with another model)
  // re-embeds the catalogue with it; an index built with a pretrained model keeps using it when
  // this is empty, until the next `index rebuild`.
  std::string model_dir;
  int model_threads = 2;      // CPU threads of the pretrained encoder
  int model_batch_size = 32;  // papers per forward pass
  // Tests only: called during maintenance at named points, without any lock a search needs, so a
  // test can hold maintenance there and show that searches still complete: "keyword-caught-up"
  // (the keyword index has swapped in an update; the semantic catch-up comes next) and
  // "semantic-built" (a retrained generation is complete and about to be swapped in).
  std::function<void(std::string_view stage)> on_maintenance_stage;
};

}  // namespace paperfeed::search
