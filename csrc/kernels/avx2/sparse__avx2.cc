// Sparse int8 kernels for AVX2 (ymm): csrc/sparse/x86_sparse_kernels.inc over 8 lanes, in two
// tables: weights without -128 take the sign trick on A as int8 (x86_sign_dot.inc, the dense
// kernels' dot), others a dot that widens to int16 for vpmaddwd on A as uint8, exact for every input
// (vpmaddubsw would saturate on 255 * -128 pairs). Feeds: sparse/sparse_pack.cc formats. Must equal
// ref::sparse_matmul_i32.
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "sparse/kernels_portable.h"
#include "sparse/sparse_isa.h"

namespace ei8 {
namespace avx2 {
namespace {

#include "sparse/x86_sign_dot.inc"
#include "sparse/x86_widen_dot.inc"

#include "sparse/x86_ymm_traits.inc"

namespace wide {
using V = YmmV<WidenDot>;
#include "sparse/x86_sparse_kernels.inc"
#include "sparse/x86_sell_lookups.inc"
}  // namespace wide

namespace narrow {
using V = YmmV<SignDot>;
#include "sparse/x86_sparse_kernels.inc"
#include "sparse/x86_sell_lookups.inc"
}  // namespace narrow

// GEMV costs of the widening table against the avx2 dense GEMV (bench/sparse.bench.ts --only crossover --isa avx2, and
// --only speed for CSR at 90-98 %: 4096 x 4096, one thread, 2026-12-06, a Zen 4). Near the
// crossovers: 2:4 1.18 (1.13x dense), 4x4 1.5-1.6 (30-40 % ran 0.83-0.94x, which AVX-512's 1.25 took),
// 1x16 1.4-1.5, 1x4 4.4-4.6; CSR's gather kernel 8.6-9.75 (0.68x at 95 %, which 6.5 took); 4x1 (the
// quads kernel) 2.5-2.75 at 50-90 %, 3.1 at 95 %. SELL by lookups: sell_cost. avxvnni shares these
// kernels but was never measured (no AVX-VNNI here): it keeps the AVX-512 figures.
constexpr sparse::FormatCosts kGemvCosts = {1.2, 9.5, 1.6, 1.45, 4.6, 2.7, 0};
// Batch costs of the widening table, against the dense kernel on the same weights with -128 (its
// exact widening dot too), from the runs described at kBatchCostsNarrow, with --q128: N:M
// 0.70-0.79; CSR 1.67-2.29 at 8 rows, 0.86-1.13 at 16, 0.49-0.63 at 32, 0.53-0.65 at 64; 4x1
// 2.23-2.65, 1.21-1.38, 0.57-0.90, 0.70-0.82; at 8 rows 4x4 0.82-0.91, 1x16 0.99-1.13, 1x4
// 0.95-1.24; at 64 0.77-0.90, 1.03-1.20, 0.83-0.90. Flat across 30-90 %, so taken to hold below
// 30 %, where blocks already paid.
constexpr sparse::BatchCosts kBatchCosts = {{{0.8, 2.3, 0.9, 1.15, 1.25, 2.6, 0},
                                             {0.8, 1.0, 0.9, 1.15, 0.9, 1.3, 0},
                                             {0.8, 0.55, 0.9, 1.15, 0.9, 0.75, 0},
                                             {0.8, 0.65, 0.9, 1.15, 0.9, 0.85, 0}}};
// The narrow table's, from the same benchmarks on its build (2026-12-06): N:M 0.91-0.95 (2:4 1.44x
// dense, 108 % of the bytes ideal; --only speed), 4x4 1.27-1.30 at 30-50 %, 1x16 1.15-1.26, 1x4
// 3.2-3.3 at 70-80 %, 4x1 2.4-2.45; CSR's gathers dominate its time, as in the wide table (0.35x at
// 90 %).
constexpr sparse::FormatCosts kGemvCostsNarrow = {1.0, 9.5, 1.3, 1.2, 3.3, 2.5, 0};
// Batch costs (packSparse's rows >= 8) of the narrow table against the avx2 dense kernel on the same
// weights (bench/sparse.bench.ts --only crossover --isa avx2 --crossover-m 8,64, and 16,32 for CSR
// and 4x1; 4096 x 4096, 30-90 %, one thread, 2026-12-07, a Zen 4), taken near each crossover and
// rounded up. N:M 0.95-0.99 (2:4 1.37x dense); CSR 1.94-2.77 at 8 rows, 1.07-1.37 at 16, 0.51-0.68
// at 32 (bsr_k1_mvec's 32-row vectors full), 0.62-0.76 at 64; 4x1 2.88-3.47, 1.56-1.73, 0.79-0.95,
// 0.86-0.98; at 8 rows (bsr_groups) 4x4 1.05-1.20, 1x16 1.27-1.40, 1x4 1.11-1.71; at 64 (bsr_mvec,
// 16 rows a call, as at 16 and 32) 0.92-1.01, 1.18-1.26, 0.87-0.95. The AVX-512 figures are 1.3-5
// times these: the ymm dense kernel is slower against the same sparse loads, so sparse pays sooner.
// SELL (by lookups) is not weighed in batches.
constexpr sparse::BatchCosts kBatchCostsNarrow = {{{1.0, 2.8, 1.2, 1.4, 1.6, 3.3, 0},
                                                   {1.0, 1.3, 1.0, 1.25, 0.95, 1.65, 0},
                                                   {1.0, 0.6, 1.0, 1.25, 0.95, 0.9, 0},
                                                   {1.0, 0.8, 1.0, 1.25, 0.95, 1.0, 0}}};

constexpr sparse::CallRows kRows = {4, 16, 4, 12, 32};
const sparse::SparseKernels kSparseNarrow =
    narrow::kernel_table("avx2", kRows, narrow::sell_lookups::rows, narrow::sell_lookups::kRowsMr,
                         narrow::sell_lookups::kGather, &kGemvCostsNarrow, &kBatchCostsNarrow);

}  // namespace

const sparse::SparseKernels kSparse = wide::kernel_table("avx2", kRows, wide::sell_lookups::rows,
                                                         wide::sell_lookups::kRowsMr, wide::sell_lookups::kGather,
                                                         &kGemvCosts, &kBatchCosts, &kSparseNarrow);

}  // namespace avx2
}  // namespace ei8
