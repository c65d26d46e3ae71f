// search/model/blas: the matrix product the encoder spends its time in. The one door to OpenBLAS.
#pragma once

namespace paperfeed::search::model::blas {

// C = alpha * op(A) * op(B) + beta * C, row-major, op(X) = X or its transpose (cblas_sgemm).
// OpenBLAS runs single-threaded here: the encoder splits work across its own threads, so each
// call stays on the thread that made it (search/model/bert_encoder.cpp says why).
void Sgemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a, int lda, const float* b,
           int ldb, float beta, float* c, int ldc);

// The OpenBLAS build's description ("OpenBLAS 0.3.21 ... Haswell"), for benchmarks.
const char* Describe();

}  // namespace paperfeed::search::model::blas
