// qu8 x qs8 GEMV micro-kernel (M <= 2, LLM decode), tile 2x64c4, AVX-512 VNNI.
// Bandwidth-bound: each 256-byte k-block of the panel is read once, into two independent
// accumulator sets per row (which hide the vpdpbusd latency). Panels of K >= kTwoStreamsMinK (256 KB
// and up: weights that come from L3 or DRAM) are read as two sequential streams, the two halves of
// their k range side by side: two streams keep more reads in flight than one. Against one stream
// prefetched 8 KB ahead: 1.03-1.19x the plain read loop's bandwidth where one stream got 0.91-1.0
// (bench/native/gemv_read.cc, 4096x4096 to 11008x4096); through the API 1.11-1.29x as fast on one
// thread, 1.08-1.28x on two (scripts/ab-builds.mjs). Smaller panels are one stream, left to the
// hardware prefetchers: a software prefetch 8 KB ahead (one per 64-byte line) cost 5-27 % on a
// Zen 4 from L2, L3 and DRAM alike (1x1024x1024 to 1x2048x24576 through the API, 2026-12-06),
// though on the machine of aeba2e1 it had sped up reads from DRAM. The same split in the AVX-VNNI
// GEMV, whose 16-column panels hold a quarter of the bytes, measured 0.56-0.95x: not taken there.
// One row is its own instantiation: the M = 1 decode case then issues half the vpdpbusd, which
// measurably helps one thread keep up with memory.
// Per-group weights with f32 output (gemv_2x64c4_dequant_groups) run every group of a panel in one
// call, one stream, the f32 sums in registers. Two streams (groups of a window side by side, the
// later half's terms held until their turn) measured 0.8-1.0x of one on 1x4096x4096 and
// 1x4096x11008, groups of 32 and 128.
// Same layout and contract as gemm_6x64c4 (must equal ref::matmul_i32 after corrections).
#include <immintrin.h>

#include <cstring>

#include "kernels/avx512vnni/avx512vnni_kernels.h"

namespace ei8 {
namespace avx512vnni {

namespace {

inline __m512i broadcast_a(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return _mm512_set1_epi32(v);
}

constexpr size_t kTwoStreamsMinK = 4096;

// One k-quad of each row: acc[r][j] += a[r][4q .. 4q+3] x the quad's 4 vectors at w; with kZaSums,
// also za_sums[j] += za8 x the same vectors (za8: one byte in every lane, dequant_groups' term).
template <int kRows, bool kZaSums = false>
inline void quad(__m512i (&acc)[kRows][4], const uint8_t* const (&ar)[2], size_t q, const int8_t* w,
                 __m512i* za_sums = nullptr, __m512i za8 = __m512i()) {
  for (int j = 0; j < 4; ++j) {
    const __m512i b = _mm512_load_si512(w + 64 * j);
    for (int r = 0; r < kRows; ++r) acc[r][j] = _mm512_dpbusd_epi32(acc[r][j], broadcast_a(ar[r] + 4 * q), b);
    if (kZaSums) za_sums[j] = _mm512_dpbusd_epi32(za_sums[j], za8, b);
  }
}

template <int kRows>
void store_rows(const __m512i (&c)[kRows][4], const __m512i (&e)[kRows][4], int32_t* d) {
  for (int r = 0; r < kRows; ++r)
    for (int j = 0; j < 4; ++j) _mm512_store_si512(d + 64 * r + 16 * j, _mm512_add_epi32(c[r][j], e[r][j]));
}

// k-quads [0, h) on c, [h, quads) on e, two quads of each a step (1 KB a step: 5-10 % faster than
// one quad of each).
template <int kRows>
void two_streams(size_t kc, const uint8_t* const (&ar)[2], const int8_t* w, int32_t* d) {
  const size_t quads = kc / 4, h = quads / 2;
  const int8_t* w2 = w + h * 256;
  __m512i c[kRows][4], e[kRows][4];
  for (int r = 0; r < kRows; ++r)
    for (int j = 0; j < 4; ++j) c[r][j] = e[r][j] = _mm512_setzero_si512();
  size_t q = 0;
  for (; q + 2 <= h; q += 2, w += 512, w2 += 512) {
    quad<kRows>(c, ar, q, w);
    quad<kRows>(e, ar, h + q, w2);
    quad<kRows>(c, ar, q + 1, w + 256);
    quad<kRows>(e, ar, h + q + 1, w2 + 256);
  }
  for (; q < quads - h; ++q, w += 256, w2 += 256) {  // the last quad of each stream, if any
    if (q < h) quad<kRows>(c, ar, q, w);
    quad<kRows>(e, ar, h + q, w2);
  }
  store_rows<kRows>(c, e, d);
}

// k-quads 2i on c and 2i + 1 on e.
template <int kRows>
void one_stream(size_t kc, const uint8_t* const (&ar)[2], const int8_t* w, int32_t* d) {
  __m512i c[kRows][4], e[kRows][4];
  for (int r = 0; r < kRows; ++r)
    for (int j = 0; j < 4; ++j) c[r][j] = e[r][j] = _mm512_setzero_si512();
  size_t k = 0;
  for (; k + 8 <= kc; k += 8, w += 512) {
    for (int j = 0; j < 4; ++j) {
      const __m512i b = _mm512_load_si512(w + 64 * j);
      const __m512i bn = _mm512_load_si512(w + 256 + 64 * j);
      for (int r = 0; r < kRows; ++r) {
        c[r][j] = _mm512_dpbusd_epi32(c[r][j], broadcast_a(ar[r] + k), b);
        e[r][j] = _mm512_dpbusd_epi32(e[r][j], broadcast_a(ar[r] + k + 4), bn);
      }
    }
  }
  if (k < kc) quad<kRows>(c, ar, k / 4, w);
  store_rows<kRows>(c, e, d);
}

// One group's k-quads: even quads on one set, odd ones on another (two chains a column vector),
// added into out at the end; with kZaSums, za8 x the group's weights into za_sums (one chain).
template <int kRows, bool kZaSums>
inline void group_dot(size_t kc, const uint8_t* const (&ar)[2], const int8_t* w, __m512i (&out)[kRows][4],
                      __m512i (&za_sums)[4], __m512i za8) {
  __m512i even[kRows][4], odd[kRows][4];
  for (int j = 0; j < 4; ++j) {
    za_sums[j] = _mm512_setzero_si512();
    for (int r = 0; r < kRows; ++r) even[r][j] = odd[r][j] = _mm512_setzero_si512();
  }
  const size_t quads = kc / 4;
  size_t q = 0;
  for (; q + 2 <= quads; q += 2, w += 512) {
    quad<kRows, kZaSums>(even, ar, q, w, za_sums, za8);
    quad<kRows, kZaSums>(odd, ar, q + 1, w + 256, za_sums, za8);
  }
  if (q < quads) quad<kRows, kZaSums>(even, ar, q, w, za_sums, za8);
  for (int r = 0; r < kRows; ++r)
    for (int j = 0; j < 4; ++j) out[r][j] = _mm512_add_epi32(even[r][j], odd[r][j]);
}

// The panel's terms are readable for all 64 columns (zero past N): no masks.
// kNoTerms (one row, weights without zero points, 0 <= za <= 255): each group's column term is
// len * 0 - colsum, so za * ck is -(za x the group's weights), computed by one more vpdpbusd per
// column vector with za in every byte, and the column terms are not read. For groups of 32 they are
// 4 of the 40 bytes a column reads a group (weights, scale, term). Against the terms read (Zen 4,
// one thread): 1.13-1.25x with groups of 32 and 1.04-1.14x with groups of 128 at 1x4096x4096,
// 1x4096x11008 and 1x11008x4096. The same for two rows (a column sum by vpdpbusd with ones, times
// each row's za) measured 0.93-1.08x, with a vpdpbusd per row 0.84-1.08x: two rows read the terms.
template <int kRows, bool kNoTerms>
void dequant_groups(const uint8_t* a, size_t a_stride, const int8_t* w, const GroupDequantTerms& t, float* y) {
  static_assert(!kNoTerms || kRows == 1, "za x weights is computed for one row");
  const __m512i za8 = _mm512_set1_epi8(static_cast<char>(t.za[0]));
  __m512i za[kRows];
  __m512 sa[kRows], sums[kRows][4];
  for (int r = 0; r < kRows; ++r) {
    za[r] = _mm512_set1_epi32(t.za[r]);
    sa[r] = _mm512_set1_ps(t.sa[r]);
    for (int j = 0; j < 4; ++j) sums[r][j] = _mm512_setzero_ps();
  }
  for (size_t g = 0; g < t.groups; ++g) {
    const size_t off = g * t.group_kc;
    const uint8_t* const ar[2] = {a + off, a + (kRows > 1 ? a_stride : 0) + off};
    __m512i acc[kRows][4], za_sums[4];
    group_dot<kRows, kNoTerms>(g + 1 < t.groups ? t.group_kc : t.last_kc, ar, w + off * 64, acc, za_sums, za8);
    const size_t c = g * t.stride;
    for (int j = 0; j < 4; ++j) {
      const __m512 sb = _mm512_loadu_ps(t.sb + c + 16 * j);
      for (int r = 0; r < kRows; ++r) {
        // Epilogues::correct (wrapping), then ref::dequant_term added to the running sum (no FMA).
        __m512i v;
        if (kNoTerms) {
          v = _mm512_sub_epi32(acc[r][j], za_sums[j]);
        } else {
          v = _mm512_add_epi32(acc[r][j], _mm512_mullo_epi32(za[r], _mm512_loadu_si512(t.ck + c + 16 * j)));
          if (t.zb)
            v = _mm512_sub_epi32(v, _mm512_mullo_epi32(_mm512_set1_epi32(t.row_sums[r * t.groups + g]),
                                                       _mm512_loadu_si512(t.zb + c + 16 * j)));
        }
        const __m512 term = _mm512_mul_ps(_mm512_cvtepi32_ps(v), _mm512_mul_ps(sa[r], sb));
        sums[r][j] = _mm512_add_ps(sums[r][j], term);
      }
    }
  }
  for (int r = 0; r < kRows; ++r)
    for (int j = 0; j < 4; ++j) _mm512_store_ps(y + 64 * r + 16 * j, sums[r][j]);
}

template <int kRows>
void gemv_rows(size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d) {
  const uint8_t* const ar[2] = {a, a + (kRows > 1 ? a_stride : 0)};
  if (kc >= kTwoStreamsMinK)
    two_streams<kRows>(kc, ar, w, d);
  else
    one_stream<kRows>(kc, ar, w, d);
}

}  // namespace

void gemv_2x64c4_dequant_groups(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                const GroupDequantTerms& t, float* y) {
  if (mr > 1)
    dequant_groups<2, false>(a, a_stride, w, t, y);
  else if (!t.zb && t.za[0] >= 0 && t.za[0] <= 255)
    dequant_groups<1, true>(a, a_stride, w, t, y);
  else
    dequant_groups<1, false>(a, a_stride, w, t, y);
}

void gemv_2x64c4(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d) {
  if (mr > 1)
    gemv_rows<2>(kc, a, a_stride, w, d);
  else
    gemv_rows<1>(kc, a, a_stride, w, d);
}

}  // namespace avx512vnni
}  // namespace ei8
