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
// The narrow table's, from the same benchmarks on its build (2026-12-06): N:M 0.91-0.95 (2:4 1.44x
// dense, 108 % of the bytes ideal; --only speed), 4x4 1.27-1.30 at 30-50 %, 1x16 1.15-1.26, 1x4
// 3.2-3.3 at 70-80 %, 4x1 2.4-2.45; CSR's gathers dominate its time, as in the wide table (0.35x at
// 90 %).
constexpr sparse::FormatCosts kGemvCostsNarrow = {1.0, 9.5, 1.3, 1.2, 3.3, 2.5, 0};

constexpr sparse::CallRows kRows = {4, 16, 4, 12, 32};
const sparse::SparseKernels kSparseNarrow =
    narrow::kernel_table("avx2", kRows, narrow::sell_lookups::rows, narrow::sell_lookups::kRowsMr,
                         narrow::sell_lookups::kGather, &kGemvCostsNarrow);

}  // namespace

const sparse::SparseKernels kSparse = wide::kernel_table("avx2", kRows, wide::sell_lookups::rows,
                                                         wide::sell_lookups::kRowsMr, wide::sell_lookups::kGather,
                                                         &kGemvCosts, &kSparseNarrow);

}  // namespace avx2
}  // namespace ei8
