// Sparse int8 kernels for AVX2 (ymm): csrc/sparse/x86_sparse_kernels.inc over 8 lanes. The u8 x s8
// dot product widens to int16 and uses vpmaddwd, so it is exact for every input (vpmaddubsw would
// saturate on 255 * -128 pairs). Feeds: sparse/sparse_pack.cc formats. Must equal ref::sparse_matmul_i32.
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "sparse/kernels_portable.h"
#include "sparse/sparse_isa.h"

namespace ei8 {
namespace avx2 {
namespace {

// acc += a0*w0 + a1*w1 + a2*w2 + a3*w3 per 32-bit lane: even and odd bytes as int16 pairs.
inline __m256i dot4(__m256i acc, __m256i a, __m256i w) {
  const __m256i byte_mask = _mm256_set1_epi16(0x00FF);
  const __m256i a_even = _mm256_and_si256(a, byte_mask);
  const __m256i a_odd = _mm256_srli_epi16(a, 8);
  const __m256i w_even = _mm256_srai_epi16(_mm256_slli_epi16(w, 8), 8);
  const __m256i w_odd = _mm256_srai_epi16(w, 8);
  const __m256i sum = _mm256_add_epi32(_mm256_madd_epi16(a_even, w_even), _mm256_madd_epi16(a_odd, w_odd));
  return _mm256_add_epi32(acc, sum);
}

#include "sparse/x86_widen_dot128.inc"

#define EI8_YMM_DOT(acc, a, w) dot4(acc, a, w)
#define EI8_XMM_DOT(acc, a, w) dot4_128(acc, a, w)
#include "sparse/x86_ymm_traits.inc"
#undef EI8_YMM_DOT
#undef EI8_XMM_DOT

#include "sparse/x86_sparse_kernels.inc"
#include "sparse/x86_sell_lookups.inc"

// GEMV costs against the avx2 dense GEMV (bench/sparse.bench.ts --only crossover --isa avx2, and
// --only speed for CSR at 90-98 %: 4096 x 4096, one thread, 2026-12-06, a Zen 4). Near the
// crossovers: 2:4 1.18 (1.13x dense), 4x4 1.5-1.6 (30-40 % ran 0.83-0.94x, which AVX-512's 1.25 took),
// 1x16 1.4-1.5, 1x4 4.4-4.6; CSR's gather kernel 8.6-9.75 (0.68x at 95 %, which 6.5 took); 4x1 (the
// quads kernel) 2.5-2.75 at 50-90 %, 3.1 at 95 %. SELL by lookups: sell_cost. avxvnni shares these
// kernels but was never measured (no AVX-VNNI here): it keeps the AVX-512 figures.
constexpr sparse::FormatCosts kGemvCosts = {1.2, 9.5, 1.6, 1.45, 4.6, 2.7, 0};

}  // namespace

const sparse::SparseKernels kSparse = {"avx2", AKind::U8, bsr_rows, 4, bsr_mvec, 16, nm_rows, 4, bsr_groups, 12,
                                       bsr_k1_mvec, 32, sell_lookups::rows, sell_lookups::kRowsMr,
                                       sell_lookups::kGather, &kGemvCosts};

}  // namespace avx2
}  // namespace ei8
