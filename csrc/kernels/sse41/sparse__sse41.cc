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
// (the portable loop). Batches (M >= 8) ran at or above what the AVX-512 figures predict: those stay.
constexpr sparse::FormatCosts kGemvCosts = {1.2, 5.5, 1.5, 1.4, 3.3, 2.4, 0};
// The narrow table's, from the same benchmarks on its build with the weights in L3 (2026-12-06):
// N:M 0.72-1.06 (2:4 1.36x dense; --only speed), 4x4 1.03-1.21 at 30-60 % (1.23x at 30 %), 1x16 1.21-1.26, 1x4
// 2.8-3.1 at 70-90 %, 4x1 1.87-2.09 at 60-90 % (so 2.0: unstructured weights at 90 % hold 4x1
// blocks at 66 %, where 1.9 would take them for a call at about dense speed), CSR 4.9-5.05.
constexpr sparse::FormatCosts kGemvCostsNarrow = {1.0, 5.0, 1.15, 1.25, 2.9, 2.0, 0};

// SELL: the portable loop of each table's A kind.
constexpr sparse::CallRows kRows = {4, 16, 4, 12, 16};
const sparse::SparseKernels kSparseNarrow = narrow::kernel_table(
    "sse41", kRows, sparse::portable::sell_rows, 16, sparse::SellGather::kPortable, &kGemvCostsNarrow);

}  // namespace

const sparse::SparseKernels kSparse = wide::kernel_table(
    "sse41", kRows, sparse::portable::sell_rows_u8, 16, sparse::SellGather::kPortable, &kGemvCosts, &kSparseNarrow);

}  // namespace sse41
}  // namespace ei8
