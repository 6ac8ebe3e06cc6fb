// qu8 x qs8 GEMM micro-kernel, tile 6x64c4, AVX-512 VNNI.
// Reads the tiled (nr = 64, kr = 4) layout of pack/pack_layout.cc; A as uint8 (shifted by the
// driver). D = A * B exactly (wrapping int32); core/gemm.cc applies the zero-point corrections,
// and the result must equal ref::matmul_i32.
// Registers: 24 accumulators (6 rows x 4 zmm), 4 weight zmm, 1 broadcast of A. One instantiation
// per row count, so that a short last tile (M = 16 is 6 + 6 + 4) issues only its own rows.
// The _prefetch variant also pulls a slice of the weights ahead into L2; _accumulate adds to d
// instead of overwriting it, for the driver's k-chunked schedule (kernel_table.h). _columns computes
// only the vectors of a last panel's valid columns (kCols of 4).
#include <immintrin.h>

#include <cstring>

#include "kernels/avx512vnni/avx512vnni_kernels.h"
#include "kernels/x86_tile.h"

namespace ei8 {
namespace avx512vnni {

namespace {

inline __m512i broadcast_a(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return _mm512_set1_epi32(v);
}

template <bool kPrefetch, bool kAccumulate, int kCols = 4>
struct Tile {
  template <int kRows>
  static void run(size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d, const int8_t* pf,
                  size_t pf_bytes) {
    SlicePrefetch prefetch(pf, kPrefetch ? pf_bytes : 0, kc / 4);
    __m512i c[kRows][kCols];
    #pragma GCC unroll 8
    for (int r = 0; r < kRows; ++r)
      #pragma GCC unroll 4
      for (int j = 0; j < kCols; ++j)
        c[r][j] = kAccumulate ? _mm512_load_si512(d + r * 64 + j * 16) : _mm512_setzero_si512();
    for (size_t k = 0; k < kc; k += 4, w += 256) {
      __m512i b[kCols];
      #pragma GCC unroll 4
      for (int j = 0; j < kCols; ++j) b[j] = _mm512_load_si512(w + 64 * j);
      if (kPrefetch) prefetch.step();
      #pragma GCC unroll 8
      for (int r = 0; r < kRows; ++r) {
        const __m512i va = broadcast_a(a + r * a_stride + k);
        #pragma GCC unroll 4
        for (int j = 0; j < kCols; ++j) c[r][j] = _mm512_dpbusd_epi32(c[r][j], va, b[j]);
      }
    }
    #pragma GCC unroll 8
    for (int r = 0; r < kRows; ++r)
      #pragma GCC unroll 4
      for (int j = 0; j < kCols; ++j) _mm512_store_si512(d + r * 64 + j * 16, c[r][j]);
  }
};

}  // namespace

EI8_DEFINE_TILE_KERNELS(gemm_6x64c4, 6)

void gemm_6x64c4_columns(size_t mr, size_t nc, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w,
                         int32_t* d) {
  switch ((nc + 15) / 16) {
    case 1: return run_tile_rows<6, Tile<false, false, 1>>(mr, kc, a, a_stride, w, d, nullptr, size_t(0));
    case 2: return run_tile_rows<6, Tile<false, false, 2>>(mr, kc, a, a_stride, w, d, nullptr, size_t(0));
    case 3: return run_tile_rows<6, Tile<false, false, 3>>(mr, kc, a, a_stride, w, d, nullptr, size_t(0));
    default: return run_tile_rows<6, Tile<false, false, 4>>(mr, kc, a, a_stride, w, d, nullptr, size_t(0));
  }
}

}  // namespace avx512vnni
}  // namespace ei8
