// search/semantic_options: how the semantic half embeds papers — the learned embedder or a
// pretrained model folder (search/model) — and how hybrid search weighs it. Filled from the
// configuration ([search]) by the composition root; nothing below cli/ reads the environment.
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

  // The semantic share of the hybrid score, 0..1 (min-max normalised scores on both sides). On
  // SciFact-train 0.2 / 0.3 / 0.4 give nDCG@10 0.707 / 0.707 / 0.709 against keyword 0.699; on the
  // known-item title set, where BM25 is near perfect (0.978), every weight costs a little
  // (0.3: -0.005), least at 0.2; on the vague-summary set 0.2 and 0.3 both gain ~0.002. 0.2 is the
  // weight that helps where words differ and costs least where they match; bench/eval_semantic.sh.
  double semantic_weight = 0.2;
  // Pseudo-relevance feedback of hybrid search (Rocchio in the embedding space): the first
  // `prf_docs` keyword hits (0..100; 0 turns it off), weighted `prf_weight` (0..10) against the
  // query's own unit vector.
  int prf_docs = 3;
  double prf_weight = 0.5;
  // Tests only: called during maintenance at named points, without any lock a search needs, so a
  // test can hold maintenance there and show that searches still complete: "keyword-caught-up"
  // (the keyword index has swapped in an update; the semantic catch-up comes next) and
  // "semantic-built" (a retrained generation is complete and about to be swapped in).
  std::function<void(std::string_view stage)> on_maintenance_stage;
};

}  // namespace paperfeed::search
