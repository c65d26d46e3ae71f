// search/model/blas: cblas_sgemm from OpenBLAS (Debian libopenblas-dev, pthread variant).
#include "search/model/blas.hpp"

#include <mutex>

#include <cblas.h>

namespace paperfeed::search::model::blas {
namespace {

// OpenBLAS's own threads would compete with the encoder's (each call would spread over every core
// while another thread's call does the same); one thread per call, the encoder splitting the work.
void InitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { openblas_set_num_threads(1); });
}

}  // namespace

void Sgemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a, int lda, const float* b,
           int ldb, float beta, float* c, int ldc) {
  InitOnce();
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, m, n, k, alpha,
              a, lda, b, ldb, beta, c, ldc);
}

const char* Describe() {
  InitOnce();
  return openblas_get_config();
}

}  // namespace paperfeed::search::model::blas
