// SELL (sliced ELLPACK over windows of 128 k, sparse.h) rows kernel for AVX-512 VBMI + VNNI: a
// window's 128 activations sit in two zmm registers, one vpermi2b picks a slot's 64 (four for each
// of 16 outputs) and one vpdpbusd adds them times the slot's 64 weights into the panel's 16 outputs.
// CSR's GEMV gathers each non-zero's activation instead. A as uint8 (the avx512vnni path's AKind).
// Compiled with VBMI on top of the avx512vnni flags, and used only where the CPU has VBMI
// (sparse_paths.cc): the other avx512vnni kernels must not pick up VBMI instructions.
// Must equal ref::sparse_matmul_i32.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // GCC bug 105593, as the other AVX-512 files
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>

#include "sparse/sparse_isa.h"

namespace ei8 {
namespace avx512vbmi {
namespace {

using sparse::Sell;

// No software prefetch: on a Zen 4 (2026-12-06, bench/sparse-ab.ts, 4096 x 4096 at 75-95 %) the
// slots prefetched 4 KB ahead took 1.0-1.18x the time of none in L3, 1.12-1.37x from DRAM, at M = 1
// and 2; M = 8 1.0-1.03x.
// A GEMV range of at least this many bytes of slots goes as two streams (see gemv_two_streams).
constexpr size_t kTwoStreamBytes = size_t(256) << 10;

// One panel's walk through its slots for R rows of A: two accumulator chains a row (a window holds
// 3-6 slots at 90 % sparsity).
template <size_t R>
struct Panel {
  const uint8_t* slot;
  const uint8_t* count;
  __m512i acc0[R], acc1[R];

  Panel(const Sell& s, size_t p) : slot(s.slot(s.panel_ptr[p])), count(s.counts(p)) {
    for (size_t i = 0; i < R; ++i) acc0[i] = acc1[i] = _mm512_setzero_si512();
  }
  // Window t, whose activations are lo[i] (bytes 0-63) and hi[i] (64-127) for row i.
  void window(size_t t, const __m512i* lo, const __m512i* hi) {
    uint32_t n = count[t];
    for (; n >= 2; n -= 2, slot += 2 * Sell::kSlotBytes) {
      const __m512i idx0 = _mm512_loadu_si512(slot), w0 = _mm512_loadu_si512(slot + 64);
      const __m512i idx1 = _mm512_loadu_si512(slot + 128), w1 = _mm512_loadu_si512(slot + 192);
      for (size_t i = 0; i < R; ++i) {
        acc0[i] = _mm512_dpbusd_epi32(acc0[i], _mm512_permutex2var_epi8(lo[i], idx0, hi[i]), w0);
        acc1[i] = _mm512_dpbusd_epi32(acc1[i], _mm512_permutex2var_epi8(lo[i], idx1, hi[i]), w1);
      }
    }
    if (n) {
      const __m512i idx = _mm512_loadu_si512(slot), w = _mm512_loadu_si512(slot + 64);
      for (size_t i = 0; i < R; ++i)
        acc0[i] = _mm512_dpbusd_epi32(acc0[i], _mm512_permutex2var_epi8(lo[i], idx, hi[i]), w);
      slot += Sell::kSlotBytes;
    }
  }
  void store(int32_t* d, size_t d_stride) const {
    for (size_t i = 0; i < R; ++i) _mm512_storeu_si512(d + i * d_stride, _mm512_add_epi32(acc0[i], acc1[i]));
  }
};

template <size_t R>
void load_window(const uint8_t* a, size_t a_stride, size_t t, __m512i* lo, __m512i* hi) {
  for (size_t i = 0; i < R; ++i) {
    lo[i] = _mm512_loadu_si512(a + i * a_stride + t * Sell::kWindow);
    hi[i] = _mm512_loadu_si512(a + i * a_stride + t * Sell::kWindow + 64);
  }
}

template <size_t R>
void rows_r(const Sell& s, size_t p0, size_t p1, const uint8_t* a, size_t a_stride, int32_t* d, size_t d_stride) {
  for (size_t p = p0; p < p1; ++p) {
    Panel<R> panel(s, p);
    for (size_t t = 0; t < s.windows; ++t) {
      __m512i lo[R], hi[R];
      load_window<R>(a, a_stride, t, lo, hi);
      panel.window(t, lo, hi);
    }
    panel.store(d + (p - p0) * 16, d_stride);
  }
}

// GEMV over a long range: panels from its two halves in pairs, window by window, so that the
// weights come as two sequential streams (one stream read from DRAM at about 2/3 of the dense
// kernel's bytes per second) and each window's activations serve both.
void gemv_two_streams(const Sell& s, size_t p0, size_t p1, const uint8_t* a, int32_t* d) {
  const size_t half = (p1 - p0) / 2, pm = p0 + half;
  for (size_t j = 0; j < half; ++j) {
    Panel<1> first(s, p0 + j), second(s, pm + j);
    for (size_t t = 0; t < s.windows; ++t) {
      __m512i lo, hi;
      load_window<1>(a, 0, t, &lo, &hi);
      first.window(t, &lo, &hi);
      second.window(t, &lo, &hi);
    }
    first.store(d + j * 16, 0);
    second.store(d + (half + j) * 16, 0);
  }
  if (p0 + 2 * half < p1) rows_r<1>(s, p1 - 1, p1, a, 0, d + (p1 - 1 - p0) * 16, 0);
}

}  // namespace

void qs8_spmm_sell_16x128(const Sell& s, size_t p0, size_t p1, size_t mr, const uint8_t* a, size_t a_stride,
                          int32_t* d, size_t d_stride) {
  if (mr == 1 && (s.panel_ptr[p1] - s.panel_ptr[p0]) * Sell::kSlotBytes >= kTwoStreamBytes)
    return gemv_two_streams(s, p0, p1, a, d);
  for (size_t i = 0; i < mr; i += kSellRowsMr) {
    const uint8_t* ai = a + i * a_stride;
    int32_t* di = d + i * d_stride;
    switch (mr - i) {
      case 1: rows_r<1>(s, p0, p1, ai, a_stride, di, d_stride); break;
      case 2: rows_r<2>(s, p0, p1, ai, a_stride, di, d_stride); break;
      case 3: rows_r<3>(s, p0, p1, ai, a_stride, di, d_stride); break;
      default: rows_r<4>(s, p0, p1, ai, a_stride, di, d_stride); break;
    }
  }
}

}  // namespace avx512vbmi
}  // namespace ei8
