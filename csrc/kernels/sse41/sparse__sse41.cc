// Sparse int8 kernels for SSE4.1 (xmm, 4 lanes): csrc/sparse/x86_sparse_kernels.inc over the xmm
// traits, for x86-64 CPUs without AVX2 (Atom-class Silvermont to Tremont, pre-Haswell Cores), in two
// tables: weights without -128 take the sign trick on A as int8 (x86_sign_dot.inc, the dense GEMV's
// dot), others the widening dot on A as uint8 (x86_widen_dot.inc): both exact for their weights.
// No gather instruction: the gather kernels (CSR and 2x1 blocks one row at a time) load their four
// lanes one by one. 8x1 blocks and SELL run portable loops; 'auto' never picks SELL.
// Feeds: sparse/sparse_pack.cc formats. Must equal ref::sparse_matmul_i32.
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "sparse/kernels_portable.h"
#include "sparse/sparse_isa.h"

namespace ei8 {
namespace sse41 {
namespace {

#include "sparse/x86_sign_dot.inc"
#include "sparse/x86_widen_dot.inc"

#include "sparse/x86_xmm_traits.inc"

namespace wide {
using V = XmmV<WidenDot>;
#include "sparse/x86_sparse_kernels.inc"
}  // namespace wide

namespace narrow {
using V = XmmV<SignDot>;
#include "sparse/x86_sparse_kernels.inc"
}  // namespace narrow

// GEMV costs of the widening table against the sse41 dense GEMV, whose sign trick takes 4
// instructions per 16 products where the widening dot takes 9 (bench/sparse.bench.ts --only
// crossover --isa sse41: 4096 x 4096, one thread, 30-90 % sparsity, 2026-12-06). Near the
// crossovers: 4x4 1.45-1.55 (40-50 %), 1x4 3.0-3.3, CSR 5.1-5.4 (the gathers are four loads); 4x1
// (the quads kernel) 2.3-2.4 at 50-95 %.
// N:M and 1x16 by their runs with the weights read from DRAM (--cold), the decode case: there 2:4
// and 4:8 ran 1.14-1.22x dense (cost 1.1-1.2, so 1.2) and 1x16 at 50 % 1.28-1.40x (1.3-1.4, so
// 1.4), where with the weights in L3 they ran 0.89-0.92x (1.45-1.5) and 0.75x. SELL: not weighed
// (the portable loop).
constexpr sparse::FormatCosts kGemvCosts = {1.2, 5.5, 1.5, 1.4, 3.3, 2.4, 0};
// Batch costs of the widening table, against the dense kernel on the same weights with -128, from
// the runs described at kBatchCostsNarrow, with --q128 (noisier than the others): N:M 0.70-0.97;
// CSR 0.92-1.20 at 8 rows, 0.50-0.58 at 16, 0.50-0.61 at 32, 0.47-0.72 at 64; 4x1 1.20-1.42,
// 0.63-0.71, 0.62-0.74, 0.70-0.92; at 8 rows 4x4 0.79-0.85, 1x16 1.03-1.10, 1x4 0.79-1.18; at 64
// 0.68-0.78, 0.94-1.32, 0.73-0.90. Flat across 30-90 %, so taken to hold below 30 %, where blocks
// already paid.
constexpr sparse::BatchCosts kBatchCosts = {{{1.0, 1.2, 0.85, 1.1, 0.95, 1.3, 0},
                                             {1.0, 0.55, 0.8, 1.0, 0.9, 0.7, 0},
                                             {1.0, 0.55, 0.8, 1.0, 0.9, 0.7, 0},
                                             {1.0, 0.7, 0.8, 1.0, 0.9, 0.8, 0}}};
// The narrow table's, from the same benchmarks on its build with the weights in L3 (2026-12-06):
// N:M 0.72-1.06 (2:4 1.36x dense; --only speed), 4x4 1.03-1.21 at 30-60 % (1.23x at 30 %), 1x16 1.21-1.26, 1x4
// 2.8-3.1 at 70-90 %, 4x1 1.87-2.09 at 60-90 % (so 2.0: unstructured weights at 90 % hold 4x1
// blocks at 66 %, where 1.9 would take them for a call at about dense speed), CSR 4.9-5.05.
constexpr sparse::FormatCosts kGemvCostsNarrow = {1.0, 5.0, 1.15, 1.25, 2.9, 2.0, 0};
// Batch costs (packSparse's rows >= 8) of the narrow table against the sse41 dense kernel on the
// same weights (bench/sparse.bench.ts --only crossover --isa sse41 --crossover-m 8,64, and 16,32
// for CSR and 4x1; 4096 x 4096, 30-90 %, one thread, 2026-12-07, a Zen 4), taken near each
// crossover and rounded up. N:M 1.0-1.13; CSR 1.16-1.42 at 8 rows, 0.52-0.70 at 16 (bsr_k1_mvec's
// 16-row vectors full, as at 32 and 64), 0.57-0.74 at 32, 0.66-0.80 at 64; 4x1 1.63-1.85,
// 0.78-0.90, 0.81-0.96, 0.84-0.95; at 8 rows (bsr_groups) 4x4 1.00-1.09, 1x16 1.25-1.30, 1x4
// 0.88-1.05; at 64 (bsr_mvec, 16 rows a call, as at 16 and 32) 0.92-1.03, 1.18-1.28, 0.90-0.96.
// Every one is below the AVX-512 figures, which kept dense weights that ran up to 2.5x faster sparse.
constexpr sparse::BatchCosts kBatchCostsNarrow = {{{1.1, 1.3, 1.1, 1.3, 1.05, 1.85, 0},
                                                   {1.1, 0.6, 1.0, 1.25, 0.95, 0.85, 0},
                                                   {1.1, 0.65, 1.0, 1.25, 0.95, 0.9, 0},
                                                   {1.1, 0.8, 1.0, 1.25, 0.95, 0.95, 0}}};

// SELL: the portable loop of each table's A kind.
constexpr sparse::CallRows kRows = {4, 16, 4, 12, 16};
const sparse::SparseKernels kSparseNarrow = narrow::kernel_table(
    "sse41", kRows, sparse::portable::sell_rows, 16, sparse::SellGather::kPortable, &kGemvCostsNarrow,
    &kBatchCostsNarrow);

}  // namespace

const sparse::SparseKernels kSparse =
    wide::kernel_table("sse41", kRows, sparse::portable::sell_rows_u8, 16, sparse::SellGather::kPortable, &kGemvCosts,
                       &kBatchCosts, &kSparseNarrow);

}  // namespace sse41
}  // namespace ei8
