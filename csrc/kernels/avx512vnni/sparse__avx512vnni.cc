// Sparse int8 kernels for AVX-512 VNNI (zmm, vpdpbusd): csrc/sparse/x86_sparse_kernels.inc over
// 16 lanes. Feeds: sparse/sparse_pack.cc formats. Must equal ref::sparse_matmul_i32.
// GCC 12 warns inside its own AVX-512 headers (_mm512_undefined_*, GCC bug 105593).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "sparse/kernels_portable.h"
#include "sparse/sparse_isa.h"

namespace ei8 {
namespace avx512vnni {
namespace {

struct V {
  static constexpr AKind kA = AKind::U8;
  using I = __m512i;
  static constexpr uint32_t L = 16;
  static constexpr uint32_t kRowsMr = 8;
  // N:M (nm_t): panels a step for MR rows (as many as the registers hold: 2 panels x 8 rows or 4 x 4;
  // fewer than 4 rows keep one, with which 1:4 at M = 2 ran 1.2x as fast as with 4), and windows
  // of 8 k in pairs.
  static constexpr uint32_t nm_panels(uint32_t mr) { return mr >= 8 ? 2 : mr >= 4 ? 4 : 1; }
  static constexpr bool kNmPairWindows = true;
  // bsr_chunks: ranges of at least kBsrStreamBytes as two prefetched streams.
  static constexpr bool kBsrStreams = true;
  static I zero() { return _mm512_setzero_si512(); }
  static I set1(int32_t x) { return _mm512_set1_epi32(x); }
  static I add(I a, I b) { return _mm512_add_epi32(a, b); }
  static I load(const void* p) { return _mm512_loadu_si512(p); }
  static I from128(__m128i x) { return _mm512_castsi128_si512(x); }
  static I bcast16(const void* p) { return _mm512_broadcast_i32x4(_mm_loadu_si128(static_cast<const __m128i*>(p))); }
  static I bcast32(const void* p) { return _mm512_broadcast_i64x4(_mm256_loadu_si256(static_cast<const __m256i*>(p))); }
  static I u16x(const void* p) { return _mm512_cvtepu16_epi32(_mm256_loadu_si256(static_cast<const __m256i*>(p))); }
  static I u8x(const void* p) { return _mm512_cvtepu8_epi32(_mm_loadu_si128(static_cast<const __m128i*>(p))); }
  static I perm(I x, I idx) { return _mm512_permutexvar_epi32(idx, x); }
  template <int n>
  static I slli(I x) { return n == 0 ? x : _mm512_slli_epi32(x, n); }
  static I gather(const uint8_t* base, I off) { return _mm512_i32gather_epi32(off, base, 1); }
  static I shuffle(I table, I ctrl) { return _mm512_shuffle_epi8(table, ctrl); }
  static I bxor(I a, I b) { return _mm512_xor_si512(a, b); }
  static I sub8(I a, I b) { return _mm512_sub_epi8(a, b); }
  static I set1_8(char x) { return _mm512_set1_epi8(x); }
  static I keep(I x, uint32_t n) { return _mm512_maskz_mov_epi32(static_cast<__mmask16>((1u << n) - 1), x); }
  static I dot(I acc, I a, I w) { return _mm512_dpbusd_epi32(acc, a, w); }
  static __m128i dot128(__m128i acc, __m128i a, __m128i w) { return _mm_dpbusd_epi32(acc, a, w); }
  static __m256i dot256(__m256i acc, __m256i a, __m256i w) { return _mm256_dpbusd_epi32(acc, a, w); }
  static void store(int32_t* p, I x) { _mm512_storeu_si512(p, x); }
  static I unpacklo8(I a, I b) { return _mm512_unpacklo_epi8(a, b); }
  static I unpackhi8(I a, I b) { return _mm512_unpackhi_epi8(a, b); }
  static I unpacklo16(I a, I b) { return _mm512_unpacklo_epi16(a, b); }
  static I unpackhi16(I a, I b) { return _mm512_unpackhi_epi16(a, b); }
  template <int c>
  static __m128i chunk(I x) { return c == 0 ? _mm512_castsi512_si128(x) : _mm512_extracti32x4_epi32(x, c & 3); }
  static I bcast_dword(__m128i x) { return _mm512_broadcastd_epi32(x); }
  // bsr_chunks' activations (block_chunks) for blocks of C = 4, 8 or 16 k: chunk i = the C bytes at
  // a + C * ix[i], repeated over the chunk, the 4 blocks' 16-bit indices in one 64-bit load. C = 4,
  // 8: masked broadcasts straight from memory (no shuffles); C = 16: 128-bit inserts.
  template <uint32_t C>
  static I block_chunks(const uint8_t* a, const uint16_t* ix) {
    uint64_t q;
    std::memcpy(&q, ix, 8);
    auto at = [&](uint32_t i) { return a + size_t((q >> (16 * i)) & 0xFFFF) * C; };
    if constexpr (C == 16) {
      I x = _mm512_castsi128_si512(_mm_loadu_si128(reinterpret_cast<const __m128i*>(at(0))));
      x = _mm512_inserti32x4(x, _mm_loadu_si128(reinterpret_cast<const __m128i*>(at(1))), 1);
      x = _mm512_inserti32x4(x, _mm_loadu_si128(reinterpret_cast<const __m128i*>(at(2))), 2);
      return _mm512_inserti32x4(x, _mm_loadu_si128(reinterpret_cast<const __m128i*>(at(3))), 3);
    } else {
      using T = std::conditional_t<C == 4, int32_t, int64_t>;
      auto bcast = [&](uint32_t i) {
        T v;
        std::memcpy(&v, at(i), C);
        return v;
      };
      I x = C == 4 ? _mm512_set1_epi32(bcast(0)) : _mm512_set1_epi64(bcast(0));
      for (uint32_t i = 1; i < 4; ++i) {
        if constexpr (C == 4) x = _mm512_mask_set1_epi32(x, static_cast<__mmask16>(0xF << (4 * i)), bcast(i));
        else x = _mm512_mask_set1_epi64(x, static_cast<__mmask8>(0x3 << (2 * i)), bcast(i));
      }
      return x;
    }
  }
  // Per 128-bit chunk: [x0 + x1, x2 + x3, y0 + y1, y2 + y3].
  static I hadd(I x, I y) {
    const __m512 a = _mm512_castsi512_ps(x), b = _mm512_castsi512_ps(y);
    return add(_mm512_castps_si512(_mm512_shuffle_ps(a, b, 0x88)), _mm512_castps_si512(_mm512_shuffle_ps(a, b, 0xDD)));
  }
  // The sum of the four 128-bit chunks.
  static __m128i fold128(I x) {
    const __m256i h = _mm256_add_epi32(_mm512_castsi512_si256(x), _mm512_extracti64x4_epi64(x, 1));
    return _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
  }
  // Both 8-lane halves of the metadata: chunks [half0 low, half0 high, half1 low, half1 high] nibbles:
  // the 32 bytes spread to chunks [0-15, 0-15, 16-31, 16-31] by one permute, every other chunk
  // shifted by a nibble, and a mask (vpshufb reads bit 7).
  static I nm_ctrl(const uint8_t* md, uint32_t) {
    const I m = _mm512_castsi256_si512(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(md)));
    const I z = _mm512_permutexvar_epi64(_mm512_setr_epi64(0, 1, 0, 1, 2, 3, 2, 3), m);
    return _mm512_and_si512(_mm512_srlv_epi64(z, _mm512_setr_epi64(0, 0, 4, 4, 0, 0, 4, 4)), _mm512_set1_epi8(0x0F));
  }
};

#include "sparse/x86_sparse_kernels.inc"
#include "sparse/x86_sell_lookups.inc"

}  // namespace

// 32 rows per batch call: A^T then takes 128 bytes per k-quad, and a 1x16 block row (one A^T load
// per vpdpbusd) is bound by L2 bandwidth less; 64 rows measured 20 % slower there, 4x4 the same.
// SELL by lookups: sparse_paths.cc puts VBMI's byte-permute kernel in its place where the CPU has VBMI.
const sparse::SparseKernels kSparse = kernel_table("avx512vnni", {8, 32, 8, 12, 64}, sell_lookups::rows,
                                                   sell_lookups::kRowsMr, sell_lookups::kGather);

}  // namespace avx512vnni
}  // namespace ei8
