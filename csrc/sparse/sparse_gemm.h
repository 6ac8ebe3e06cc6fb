// The sparse driver: prepares A once, splits the outputs across threads, runs a sparse kernel path
// per tile and applies the dense path's epilogues (corrections, requantization, dequantization).
#pragma once

#include "core/gemm.h"
#include "core/kernel_table.h"
#include "core/matmul_request.h"
#include "sparse/sparse.h"

namespace ei8 {
namespace sparse {

using Request = MatmulRequest<ei8_sparse>;

// Rows from which the A-transposed kernel (bsr_mvec) runs instead of the row kernel, when a path
// has one and the blocks are whole k-quads (measured: bench/sparse.bench.ts).
constexpr size_t kMvecMinRows = 2;

ei8_status run(const SparseKernels& kernels, const Epilogues& epilogues, const Request& req);

}  // namespace sparse
}  // namespace ei8
