// qu8 x qs8 GEMM micro-kernel, tile 6x64c4, AVX-512 VNNI.
// Reads the tiled (nr = 64, kr = 4) layout of pack/pack_layout.cc; A as uint8 (shifted by the
// driver). D = A * B exactly (wrapping int32); core/gemm.cc applies the zero-point corrections,
// and the result must equal ref::matmul_i32.
// Registers: 24 accumulators (6 rows x 4 zmm), 4 weight zmm, 1 broadcast of A.
// The _prefetch variant also pulls a slice of the next panel into L2 (kernel_table.h).
#include <immintrin.h>

#include <cstring>

#include "kernels/avx512vnni/avx512vnni_kernels.h"

namespace ei8 {
namespace avx512vnni {

static inline __m512i broadcast_a(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return _mm512_set1_epi32(v);
}

namespace {

template <bool kPrefetch>
void gemm_6x64(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d,
               const int8_t* pf, size_t pf_bytes) {
  // Lines of the prefetch slice per k-step, rounded up: the slice is covered before the loop ends.
  const size_t steps = kc / 4;
  const size_t pf_lines = kPrefetch && steps ? (pf_bytes / 64 + steps - 1) / steps : 0;
  const char* pf_next = reinterpret_cast<const char*>(pf);
  const char* pf_end = pf_next + (kPrefetch ? pf_bytes : 0);
  // Rows past mr alias the last valid row: computed, stored into the tile, ignored by the driver.
  const uint8_t* a0 = a;
  const uint8_t* a1 = mr > 1 ? a0 + a_stride : a0;
  const uint8_t* a2 = mr > 2 ? a1 + a_stride : a1;
  const uint8_t* a3 = mr > 3 ? a2 + a_stride : a2;
  const uint8_t* a4 = mr > 4 ? a3 + a_stride : a3;
  const uint8_t* a5 = mr > 5 ? a4 + a_stride : a4;
  __m512i c00 = _mm512_setzero_si512(), c01 = c00, c02 = c00, c03 = c00;
  __m512i c10 = c00, c11 = c00, c12 = c00, c13 = c00;
  __m512i c20 = c00, c21 = c00, c22 = c00, c23 = c00;
  __m512i c30 = c00, c31 = c00, c32 = c00, c33 = c00;
  __m512i c40 = c00, c41 = c00, c42 = c00, c43 = c00;
  __m512i c50 = c00, c51 = c00, c52 = c00, c53 = c00;
  for (size_t k = 0; k < kc; k += 4, w += 256) {
    const __m512i b0 = _mm512_load_si512(w);
    const __m512i b1 = _mm512_load_si512(w + 64);
    const __m512i b2 = _mm512_load_si512(w + 128);
    const __m512i b3 = _mm512_load_si512(w + 192);
    if (kPrefetch) {
      for (size_t l = 0; l < pf_lines && pf_next < pf_end; ++l, pf_next += 64) _mm_prefetch(pf_next, _MM_HINT_T1);
    }
    __m512i va = broadcast_a(a0 + k);
    c00 = _mm512_dpbusd_epi32(c00, va, b0);
    c01 = _mm512_dpbusd_epi32(c01, va, b1);
    c02 = _mm512_dpbusd_epi32(c02, va, b2);
    c03 = _mm512_dpbusd_epi32(c03, va, b3);
    va = broadcast_a(a1 + k);
    c10 = _mm512_dpbusd_epi32(c10, va, b0);
    c11 = _mm512_dpbusd_epi32(c11, va, b1);
    c12 = _mm512_dpbusd_epi32(c12, va, b2);
    c13 = _mm512_dpbusd_epi32(c13, va, b3);
    va = broadcast_a(a2 + k);
    c20 = _mm512_dpbusd_epi32(c20, va, b0);
    c21 = _mm512_dpbusd_epi32(c21, va, b1);
    c22 = _mm512_dpbusd_epi32(c22, va, b2);
    c23 = _mm512_dpbusd_epi32(c23, va, b3);
    va = broadcast_a(a3 + k);
    c30 = _mm512_dpbusd_epi32(c30, va, b0);
    c31 = _mm512_dpbusd_epi32(c31, va, b1);
    c32 = _mm512_dpbusd_epi32(c32, va, b2);
    c33 = _mm512_dpbusd_epi32(c33, va, b3);
    va = broadcast_a(a4 + k);
    c40 = _mm512_dpbusd_epi32(c40, va, b0);
    c41 = _mm512_dpbusd_epi32(c41, va, b1);
    c42 = _mm512_dpbusd_epi32(c42, va, b2);
    c43 = _mm512_dpbusd_epi32(c43, va, b3);
    va = broadcast_a(a5 + k);
    c50 = _mm512_dpbusd_epi32(c50, va, b0);
    c51 = _mm512_dpbusd_epi32(c51, va, b1);
    c52 = _mm512_dpbusd_epi32(c52, va, b2);
    c53 = _mm512_dpbusd_epi32(c53, va, b3);
  }
  const __m512i rows[6][4] = {{c00, c01, c02, c03}, {c10, c11, c12, c13}, {c20, c21, c22, c23},
                              {c30, c31, c32, c33}, {c40, c41, c42, c43}, {c50, c51, c52, c53}};
  for (size_t i = 0; i < 6; ++i)
    for (size_t j = 0; j < 4; ++j) _mm512_store_si512(d + i * 64 + j * 16, rows[i][j]);
}

}  // namespace

void gemm_6x64c4(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d) {
  gemm_6x64<false>(mr, kc, a, a_stride, w, d, nullptr, 0);
}

void gemm_6x64c4_prefetch(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d,
                          const int8_t* pf, size_t pf_bytes) {
  gemm_6x64<true>(mr, kc, a, a_stride, w, d, pf, pf_bytes);
}

}  // namespace avx512vnni
}  // namespace ei8
