// qs8 x qs8 GEMM micro-kernel, tile 2x16c4, SSE4.1 (SSSE3 instructions), for narrow weights (no
// -128): the AVX2 kernel's sign trick on 128-bit vectors. A in ALayout::WithAbs (each 4-byte k-group
// followed by its absolute values, kernel_table.h). Two rows: their 8 accumulators, the 4 weight
// vectors and a row's two broadcasts fill the 16 xmm registers. Also the path's GEMV (M = 1): the
// same loop on one row, with the weights prefetched ahead (and per group, for per-group weights
// with f32 output). Must equal ref::matmul_i32 after the corrections.
#include <smmintrin.h>

#include <cstring>

#include "kernels/sse41/sse41_kernels.h"
#include "kernels/x86_tile.h"

namespace ei8 {
namespace sse41 {

// 4 bytes of A (one k-quad) in every 32-bit lane.
static inline __m128i broadcast_a(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return _mm_set1_epi32(v);
}

// acc += sum over 4 k of a * b for 4 columns: pmaddubsw(|a|, sign(b, a)) gives pairs of |a| * (+-b);
// with |a| <= 128 and |b| <= 127 a pair sums to at most 2 * 128 * 127 = 32512, so the int16 never
// saturates.
static inline __m128i dot4(__m128i acc, __m128i abs_a, __m128i a, __m128i b, __m128i ones) {
  const __m128i pairs = _mm_maddubs_epi16(abs_a, _mm_sign_epi8(b, a));
  return _mm_add_epi32(acc, _mm_madd_epi16(pairs, ones));
}

namespace {

// kAhead: bytes ahead of the weights to prefetch every k-quad (one 64-byte line), 0 for none.
template <bool kPrefetch, bool kAccumulate, size_t kAhead = 0>
struct Tile {
  template <int kRows>
  static void run(size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d, const int8_t* pf,
                  size_t pf_bytes) {
    SlicePrefetch prefetch(pf, kPrefetch ? pf_bytes : 0, kc / 4);
    const __m128i ones = _mm_set1_epi16(1);
    __m128i* out = reinterpret_cast<__m128i*>(d);
    __m128i c[kRows][4];
    #pragma GCC unroll 2
    for (int r = 0; r < kRows; ++r)
      #pragma GCC unroll 4
      for (int j = 0; j < 4; ++j) c[r][j] = kAccumulate ? _mm_load_si128(out + 4 * r + j) : _mm_setzero_si128();
    for (size_t k = 0; k < 2 * kc; k += 8, w += 64) {
      __m128i b[4];
      #pragma GCC unroll 4
      for (int j = 0; j < 4; ++j) b[j] = _mm_load_si128(reinterpret_cast<const __m128i*>(w + 16 * j));
      if (kPrefetch) prefetch.step();
      if (kAhead) _mm_prefetch(reinterpret_cast<const char*>(w) + kAhead, _MM_HINT_T0);
      #pragma GCC unroll 2
      for (int r = 0; r < kRows; ++r) {
        const __m128i va = broadcast_a(a + r * a_stride + k), ua = broadcast_a(a + r * a_stride + k + 4);
        #pragma GCC unroll 4
        for (int j = 0; j < 4; ++j) c[r][j] = dot4(c[r][j], ua, va, b[j], ones);
      }
    }
    #pragma GCC unroll 2
    for (int r = 0; r < kRows; ++r)
      #pragma GCC unroll 4
      for (int j = 0; j < 4; ++j) _mm_store_si128(out + 4 * r + j, c[r][j]);
  }
};

}  // namespace

EI8_DEFINE_TILE_KERNELS(gemm_2x16c4, 2)

// GEMV (M = 1, LLM decode), qs8_gemv_1x16c4__sse41: where the driver's tile call prefetches nothing
// for a single row tile, this one keeps the weights' next lines in flight 8 KB ahead, as AVX2's GEMV.
// Against the tile kernel (docs/benchmarks.md, "SSE4.1 path"): weights from DRAM about 1.18x as
// fast, in L3 the same, in L2 0.95x. Two k-quads a step with two prefetches measured 0.94x as fast
// from DRAM and no faster in L2 or L3.
void gemv_1x16c4(size_t /*mr*/, size_t kc, const uint8_t* a, size_t /*a_stride*/, const int8_t* w, int32_t* d) {
  Tile<false, false, 8192>::run<1>(kc, a, 0, w, d, nullptr, 0);
}

// Per-group weights with f32 output: the GEMV loop on each group of the panel, then the group's
// correction and dequantizing term added to f32 sums kept in registers, as the AVX2 kernel. A is
// WithAbs: 2 bytes a k. The panel's terms are readable for all 16 columns (zero past N).
void gemv_1x16c4_dequant_groups(size_t /*mr*/, const uint8_t* a, size_t /*a_stride*/, const int8_t* w,
                                const GroupDequantTerms& t, float* y) {
  alignas(16) int32_t d[16];
  const __m128i za = _mm_set1_epi32(t.za[0]);
  const __m128 sa = _mm_set1_ps(t.sa[0]);
  __m128 sums[4] = {_mm_setzero_ps(), _mm_setzero_ps(), _mm_setzero_ps(), _mm_setzero_ps()};
  for (size_t g = 0; g < t.groups; ++g) {
    const size_t off = g * t.group_kc;
    Tile<false, false, 8192>::run<1>(g + 1 < t.groups ? t.group_kc : t.last_kc, a + 2 * off, 0, w + off * 16, d,
                                     nullptr, 0);
    for (int i = 0; i < 4; ++i) {
      const size_t c = g * t.stride + 4 * i;
      // Epilogues::correct, then ref::dequant_term added to the running sum (no FMA).
      const __m128i ck = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.ck + c));
      __m128i v = _mm_add_epi32(_mm_load_si128(reinterpret_cast<const __m128i*>(d + 4 * i)), _mm_mullo_epi32(za, ck));
      if (t.zb)
        v = _mm_sub_epi32(v, _mm_mullo_epi32(_mm_set1_epi32(t.row_sums[g]),
                                             _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.zb + c))));
      const __m128 term = _mm_mul_ps(_mm_cvtepi32_ps(v), _mm_mul_ps(sa, _mm_loadu_ps(t.sb + c)));
      sums[i] = _mm_add_ps(sums[i], term);
    }
  }
  for (int i = 0; i < 4; ++i) _mm_store_ps(y + 4 * i, sums[i]);
}

}  // namespace sse41
}  // namespace ei8
