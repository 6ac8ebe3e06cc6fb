// Sparse int8 kernels for SSE4.1 (xmm, 4 lanes): csrc/sparse/x86_sparse_kernels.inc over the vector
// traits below, for x86-64 CPUs without AVX2 (Atom-class Silvermont to Tremont, pre-Haswell Cores).
// The u8 x s8 dot product widens to int16 (x86_widen_dot128.inc): exact for every input, as AVX2's.
// No gather instruction: the gather kernels (CSR and 2x1 blocks one row at a time) load their four
// lanes one by one. 8x1 blocks and SELL run portable loops (A as uint8); 'auto' never picks SELL.
// Feeds: sparse/sparse_pack.cc formats. Must equal ref::sparse_matmul_i32.
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "sparse/kernels_portable.h"
#include "sparse/sparse_isa.h"

namespace ei8 {
namespace sse41 {
namespace {

#include "sparse/x86_widen_dot128.inc"

// The 4-lane vector traits of x86_sparse_kernels.inc (its header lists what each one does).
struct V {
  using I = __m128i;
  static constexpr uint32_t L = 4;
  static constexpr uint32_t kRowsMr = 4;
  static constexpr uint32_t nm_panels(uint32_t) { return 1; }
  static constexpr bool kNmPairWindows = false;
  static constexpr bool kBsrStreams = false;
  static I zero() { return _mm_setzero_si128(); }
  static I set1(int32_t x) { return _mm_set1_epi32(x); }
  static I add(I a, I b) { return _mm_add_epi32(a, b); }
  static I load(const void* p) { return _mm_loadu_si128(static_cast<const __m128i*>(p)); }
  static I bcast16(const void* p) { return load(p); }
  static I from128(__m128i x) { return x; }
  static I u16x(const void* p) { return _mm_cvtepu16_epi32(_mm_loadl_epi64(static_cast<const __m128i*>(p))); }
  static I u8x(const void* p) {
    int32_t q;
    std::memcpy(&q, p, 4);
    return _mm_cvtepu8_epi32(_mm_cvtsi32_si128(q));
  }
  // Lane l = x[idx[l]] (idx < 4) by a byte shuffle; idx is loop-invariant where it is used, so the
  // control's multiply leaves the loop.
  static I perm(I x, I idx) {
    const I ctrl = _mm_or_si128(_mm_mullo_epi32(idx, _mm_set1_epi32(0x04040404)), _mm_set1_epi32(0x03020100));
    return _mm_shuffle_epi8(x, ctrl);
  }
  template <int n>
  static I slli(I x) { return n == 0 ? x : _mm_slli_epi32(x, n); }
  static I gather(const uint8_t* base, I off) {
    int32_t v[4];
    std::memcpy(&v[0], base + _mm_cvtsi128_si32(off), 4);
    std::memcpy(&v[1], base + _mm_extract_epi32(off, 1), 4);
    std::memcpy(&v[2], base + _mm_extract_epi32(off, 2), 4);
    std::memcpy(&v[3], base + _mm_extract_epi32(off, 3), 4);
    return _mm_setr_epi32(v[0], v[1], v[2], v[3]);
  }
  static I shuffle(I table, I ctrl) { return _mm_shuffle_epi8(table, ctrl); }
  static I keep(I x, uint32_t n) {
    return _mm_and_si128(x, _mm_cmpgt_epi32(_mm_set1_epi32(static_cast<int32_t>(n)), _mm_setr_epi32(0, 1, 2, 3)));
  }
  static I dot(I acc, I a, I w) { return dot4_128(acc, a, w); }
  static I dot128(I acc, I a, I w) { return dot4_128(acc, a, w); }
  static void store(int32_t* p, I x) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), x); }
  // [x0 + x1, x2 + x3, y0 + y1, y2 + y3] (shufps, as the ymm and zmm traits).
  static I hadd(I x, I y) {
    const __m128 a = _mm_castsi128_ps(x), b = _mm_castsi128_ps(y);
    return add(_mm_castps_si128(_mm_shuffle_ps(a, b, 0x88)), _mm_castps_si128(_mm_shuffle_ps(a, b, 0xDD)));
  }
  static __m128i fold128(I x) { return x; }
  // Quarter h (lanes 4h..4h+3) of an N:M panel's control: the panel's metadata holds it as the low
  // (h even) or high (h odd) nibbles of bytes 16 (h / 2) .. 16 (h / 2) + 15, as the ymm traits read
  // their halves.
  static I nm_ctrl(const uint8_t* md, uint32_t h) {
    const I m = load(md + 16 * (h / 2));
    return _mm_and_si128(h % 2 ? _mm_srli_epi16(m, 4) : m, _mm_set1_epi8(0x0F));
  }
};

#include "sparse/x86_sparse_kernels.inc"

// GEMV costs against the sse41 dense GEMV, whose sign trick takes 4 instructions per 16 products
// where the widening dot takes 9 (bench/sparse.bench.ts --only crossover --isa sse41: 4096 x 4096,
// one thread, 30-90 % sparsity, 2026-12-06). Near the crossovers: 4x4 1.45-1.55 (40-50 %), 1x4
// 3.0-3.3, CSR 5.1-5.4 (the gathers are four loads); 4x1 (the quads kernel) 2.3-2.4 at 50-95 %.
// N:M and 1x16 by their runs with the weights read from DRAM (--cold), the decode case: there 2:4
// and 4:8 ran 1.14-1.22x dense (cost 1.1-1.2, so 1.2) and 1x16 at 50 % 1.28-1.40x (1.3-1.4, so
// 1.4), where with the weights in L3 they ran 0.89-0.92x (1.45-1.5) and 0.75x. SELL: not weighed
// (the portable loop). Batches (M >= 8) ran at or above what the AVX-512 figures predict: those stay.
constexpr sparse::FormatCosts kGemvCosts = {1.2, 5.5, 1.5, 1.4, 3.3, 2.4, 0};

}  // namespace

const sparse::SparseKernels kSparse = {"sse41", AKind::U8, bsr_rows, 4, bsr_mvec, 16, nm_rows, 4, bsr_groups, 12,
                                       bsr_k1_mvec, 16, sparse::portable::sell_rows_u8, 16,
                                       sparse::SellGather::kPortable, &kGemvCosts};

}  // namespace sse41
}  // namespace ei8
