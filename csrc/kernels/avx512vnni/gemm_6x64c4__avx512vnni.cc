// qu8 x qs8 GEMM micro-kernel, tile 6x64c4, AVX-512 VNNI.
// Reads the tiled (nr = 64, kr = 4) layout of pack/pack_layout.cc; A as uint8 (shifted by the
// driver). D = A * B exactly (wrapping int32); core/gemm.cc applies the zero-point corrections,
// and the result must equal ref::matmul_i32.
// Registers: 24 accumulators (6 rows x 4 zmm), 4 weight zmm, 1 broadcast of A. One instantiation
// per row count, so that a short last tile (M = 16 is 6 + 6 + 4) issues only its own rows.
// The _prefetch variant also pulls a slice of the weights ahead into L2; _accumulate adds to d
// instead of overwriting it, for the driver's k-chunked schedule (kernel_table.h). _columns computes
// only the vectors of a last panel's valid columns (kCols of 4).
// _dequant_groups: per-group weights with f32 output, every group of a panel in one call
// (DequantGroupsUkernel of kernel_table.h), on the GEMM's row tiles (M > 2; GEMVs take
// gemv_2x64c4_dequant_groups). Six rows of f32 sums do not fit in registers beside the 24 int32
// accumulators, so they live in y (1.5 KB, in L1): after each group's dot products, its corrected
// and dequantized terms are added there. That replaces a kernel call, a correction pass and a
// dequantizing pass per group, each through memory: 16x4096x4096 1.8x faster with groups of 32,
// 1.3x with groups of 128 (Zen 4, one thread). No prefetch of the next panel (the slice that
// _prefetch takes): measured 0.96x at 16x4096x4096 and 0.65x at 8x4096x11008, groups of 128.
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

// One group's products of kRows rows, stored to d (row stride 64). Not inlined: accumulators that
// stayed live into the epilogue, or stored to the caller's local d, made GCC 12 copy every one to
// the stack on every k-step (1.5x slower than the per-group calls this replaces).
template <int kRows>
__attribute__((noinline)) void group_dot(size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d) {
  Tile<false, false>::run<kRows>(kc, a, a_stride, w, d, nullptr, 0);
}

// Adds one group's corrected and dequantized terms (d, kRows x 64 int32) to the sums in y; the
// first group starts them from 0.0f. Row parameters come in registers: loaded through t, they were
// reloaded after every store to y.
template <int kRows, bool kFirst, bool kRowSums>
inline void add_group_terms(const int32_t* d, const __m512i (&za)[kRows], const __m512 (&sa)[kRows],
                            const int32_t* ck, const float* sb, const int32_t* zb, const int32_t* row_sums,
                            size_t row_sums_stride, float* y) {
  #pragma GCC unroll 4
  for (int j = 0; j < 4; ++j) {
    const __m512i ckj = _mm512_loadu_si512(ck + 16 * j);
    const __m512 sbj = _mm512_loadu_ps(sb + 16 * j);
    #pragma GCC unroll 8
    for (int r = 0; r < kRows; ++r) {
      const size_t at = 64 * r + 16 * j;
      __m512i v = _mm512_add_epi32(_mm512_load_si512(d + at), _mm512_mullo_epi32(za[r], ckj));
      if (kRowSums)
        v = _mm512_sub_epi32(v, _mm512_mullo_epi32(_mm512_set1_epi32(row_sums[r * row_sums_stride]),
                                                   _mm512_loadu_si512(zb + 16 * j)));
      const __m512 term = _mm512_mul_ps(_mm512_cvtepi32_ps(v), _mm512_mul_ps(sa[r], sbj));
      const __m512 sum = kFirst ? _mm512_setzero_ps() : _mm512_load_ps(y + at);
      _mm512_store_ps(y + at, _mm512_add_ps(sum, term));
    }
  }
}

struct GroupsTile {
  template <int kRows>
  static void run(const uint8_t* a, size_t a_stride, const int8_t* w, const GroupDequantTerms& t, float* y) {
    if (t.zb)
      groups<kRows, true>(a, a_stride, w, t, y);
    else
      groups<kRows, false>(a, a_stride, w, t, y);
  }

  template <int kRows, bool kRowSums>
  static void groups(const uint8_t* a, size_t a_stride, const int8_t* w, const GroupDequantTerms& t, float* y) {
    alignas(64) int32_t d[kRows * 64];
    __m512i za[kRows];
    __m512 sa[kRows];
    for (int r = 0; r < kRows; ++r) {
      za[r] = _mm512_set1_epi32(t.za[r]);
      sa[r] = _mm512_set1_ps(t.sa[r]);
    }
    const size_t groups = t.groups, group_kc = t.group_kc, stride = t.stride;
    const int32_t* const ck = t.ck;
    const int32_t* const zb = t.zb;
    const int32_t* const row_sums = t.row_sums;
    const float* const sb = t.sb;
    for (size_t g = 0; g < groups; ++g) {
      const size_t off = g * group_kc, kc = g + 1 < groups ? group_kc : t.last_kc, ct = g * stride;
      group_dot<kRows>(kc, a + off, a_stride, w + off * 64, d);
      // Epilogues::correct, then ref::dequant_term added to the running sum (no FMA).
      const int32_t* zbg = kRowSums ? zb + ct : nullptr;
      const int32_t* rsg = kRowSums ? row_sums + g : nullptr;
      if (g == 0)
        add_group_terms<kRows, true, kRowSums>(d, za, sa, ck + ct, sb + ct, zbg, rsg, groups, y);
      else
        add_group_terms<kRows, false, kRowSums>(d, za, sa, ck + ct, sb + ct, zbg, rsg, groups, y);
    }
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

void gemm_6x64c4_dequant_groups(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                const GroupDequantTerms& t, float* y) {
  run_tile_rows<6, GroupsTile>(mr, a, a_stride, w, t, y);
}

}  // namespace avx512vnni
}  // namespace ei8
