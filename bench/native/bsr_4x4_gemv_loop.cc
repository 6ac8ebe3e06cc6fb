// Where a 4x4-block sparse GEMV's time goes on AVX-512 VNNI: the inner loop of bsr_chunks<4, 4>
// (csrc/sparse/x86_sparse_kernels.inc) over a synthetic stream, with the activation vector of four
// blocks built in several ways, against the weight stream alone; and variants of the loop: four
// accumulator chains instead of two, software prefetch of the value and index streams, and one
// merge-masked vpdpbusd per block (no activation merge at all). Also: the kernel's loop with
// fewer merges than it needs (wrong sums, timing only: what each merge costs), a zero-masked
// vpdpbusd per block, ymm vectors of two blocks, and the block rows reordered by their block counts
// (the loop exits' branch predictions). Not shipped; x86-64 only.
//
//   g++ -O2 -std=c++17 -march=x86-64-v4 -mavx512vnni -o /tmp/bsr_loop bench/native/bsr_4x4_gemv_loop.cc
//   /tmp/bsr_loop 4096 4096 0.1    # N K density: 4096² streams from L3; 256 4096 0.1 stays in L2
// GCC 12 warns inside its own AVX-512 headers (_mm512_undefined_*, GCC bug 105593).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

namespace {

struct Stream {
  std::vector<uint32_t> row_ptr;
  std::vector<uint16_t> index;  // block column (k / 4), 8 entries of slack
  std::vector<int8_t> values;   // 16 per block, 256 bytes of slack
};

Stream make_stream(size_t block_rows, size_t block_cols, double density, unsigned seed) {
  Stream s;
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> u(0, 1);
  s.row_ptr.push_back(0);
  for (size_t r = 0; r < block_rows; ++r) {
    for (size_t c = 0; c < block_cols; ++c)
      if (u(gen) < density) s.index.push_back(static_cast<uint16_t>(c));
    s.row_ptr.push_back(static_cast<uint32_t>(s.index.size()));
  }
  s.values.resize(s.index.size() * 16 + 256);
  for (auto& v : s.values) v = static_cast<int8_t>(gen());
  s.index.resize(s.index.size() + 8, 0);
  return s;
}

#define INLINE __attribute__((always_inline)) inline

int32_t quad(const uint8_t* a, uint64_t ix4, int i) {
  int32_t v;
  std::memcpy(&v, a + ((ix4 >> (16 * i)) & 0xFFFF) * 4, 4);
  return v;
}

// The activation vector of 4 blocks: 128-bit chunk i = block i's 4 activations, 4 times.
// kTwoMerges, kOneMerge: chunks repeat a quad instead of merging the next one (wrong sums).
enum Form { kMasked, kBlends, kInsertPermute, kExpanded, kGather, kNone, kTwoMerges, kOneMerge };

template <Form F>
INLINE __m512i activations(const uint8_t* a, const uint16_t* ix) {
  uint64_t q;
  std::memcpy(&q, ix, 8);
  const __m512i spread = _mm512_set_epi32(3, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0);
  if constexpr (F == kMasked) {  // what the kernel does
    __m512i x = _mm512_set1_epi32(quad(a, q, 0));
    x = _mm512_mask_set1_epi32(x, 0xF0, quad(a, q, 1));
    x = _mm512_mask_set1_epi32(x, 0xF00, quad(a, q, 2));
    return _mm512_mask_set1_epi32(x, 0xF000, quad(a, q, 3));
  } else if constexpr (F == kTwoMerges) {
    __m512i x = _mm512_set1_epi32(quad(a, q, 0));
    x = _mm512_mask_set1_epi32(x, 0xF0, quad(a, q, 1));
    return _mm512_mask_set1_epi32(x, 0xF00, quad(a, q, 2));
  } else if constexpr (F == kOneMerge) {
    return _mm512_mask_set1_epi32(_mm512_set1_epi32(quad(a, q, 0)), 0xFF00, quad(a, q, 2));
  } else if constexpr (F == kBlends) {
    auto bcast = [&](int i) { return _mm512_set1_epi32(quad(a, q, i)); };
    const __m512i lo = _mm512_mask_blend_epi32(0xF0, bcast(0), bcast(1));
    const __m512i hi = _mm512_mask_blend_epi32(0xF000, bcast(2), bcast(3));
    return _mm512_mask_blend_epi32(0xFF00, lo, hi);
  } else if constexpr (F == kInsertPermute) {
    __m128i t = _mm_cvtsi32_si128(quad(a, q, 0));
    t = _mm_insert_epi32(t, quad(a, q, 1), 1);
    t = _mm_insert_epi32(t, quad(a, q, 2), 2);
    t = _mm_insert_epi32(t, quad(a, q, 3), 3);
    return _mm512_permutexvar_epi32(spread, _mm512_castsi128_si512(t));
  } else if constexpr (F == kExpanded) {  // `a` holds each quad 4 times (16 bytes a quad)
    auto at = [&](int i) {
      return _mm_loadu_si128(reinterpret_cast<const __m128i*>(a + ((q >> (16 * i)) & 0xFFFF) * 16));
    };
    __m512i x = _mm512_castsi128_si512(at(0));
    x = _mm512_inserti32x4(x, at(1), 1);
    x = _mm512_inserti32x4(x, at(2), 2);
    return _mm512_inserti32x4(x, at(3), 3);
  } else if constexpr (F == kGather) {
    const __m512i off = _mm512_permutexvar_epi32(spread, _mm512_cvtepu16_epi32(_mm256_castsi128_si256(
                                                             _mm_loadl_epi64(reinterpret_cast<const __m128i*>(ix)))));
    return _mm512_i32gather_epi32(off, a, 4);
  } else {  // no activation work: the weight stream and the dot products alone
    return _mm512_set1_epi32(quad(a, 0, 0));
  }
}

// A block row's 4 outputs: the sum of the accumulator's four 128-bit chunks.
INLINE void store_row(__m512i acc, int32_t* d) {
  const __m256i h = _mm256_add_epi32(_mm512_castsi512_si256(acc), _mm512_extracti64x4_epi64(acc, 1));
  const __m128i q = _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(d), q);
}

// One row of A against every block row: 4 * kChains blocks a step on kChains chains, the tail on
// one; kPrefetch > 0: the value stream (and the index stream) prefetched that many bytes ahead.
template <Form F, int kChains = 2, int kPrefetch = 0>
__attribute__((noinline)) void gemv(const Stream& s, size_t block_rows, const uint8_t* a, int32_t* d) {
  const uint16_t* index = s.index.data();
  const int8_t* values = s.values.data();
  for (size_t br = 0; br < block_rows; ++br) {
    __m512i acc[kChains];
    #pragma GCC unroll 4
    for (int c = 0; c < kChains; ++c) acc[c] = _mm512_setzero_si512();
    size_t blk = s.row_ptr[br];
    const size_t end = s.row_ptr[br + 1];
    for (; blk + 4 * kChains <= end; blk += 4 * kChains) {
      if constexpr (kPrefetch > 0) {
        const char* v = reinterpret_cast<const char*>(values + blk * 16) + kPrefetch;
        #pragma GCC unroll 4
        for (int l = 0; l < kChains; ++l) _mm_prefetch(v + 64 * l, _MM_HINT_T0);
        if (blk % 32 < 4 * kChains)
          _mm_prefetch(reinterpret_cast<const char*>(index + blk) + kPrefetch / 8, _MM_HINT_T0);
      }
      #pragma GCC unroll 4
      for (int c = 0; c < kChains; ++c)
        acc[c] = _mm512_dpbusd_epi32(acc[c], activations<F>(a, index + blk + 4 * c),
                                     _mm512_loadu_si512(values + (blk + 4 * c) * 16));
    }
    for (; blk < end; blk += 4) {
      const uint32_t n = end - blk < 4 ? static_cast<uint32_t>(end - blk) : 4;
      const __m512i w = _mm512_maskz_loadu_epi32(static_cast<__mmask16>((1u << (4 * n)) - 1), values + blk * 16);
      acc[0] = _mm512_dpbusd_epi32(acc[0], activations<F>(a, index + blk), w);
    }
    #pragma GCC unroll 4
    for (int c = 1; c < kChains; ++c) acc[0] = _mm512_add_epi32(acc[0], acc[c]);
    store_row(acc[0], d + 4 * br);
  }
}

// No activation vector: block i of a step goes to accumulator i by a vpdpbusd masked to its 128-bit
// chunk, against a plain broadcast of its 4 activations (a load, no merge). kZero: zero-masking
// (lanes outside chunk i of accumulator i stay 0, so zeroing them loses nothing, and no vpdpbusd
// waits on a merge); otherwise merge-masking.
template <bool kZero>
__attribute__((noinline)) void gemv_masked_dots(const Stream& s, size_t block_rows, const uint8_t* a, int32_t* d) {
  const uint16_t* index = s.index.data();
  const int8_t* values = s.values.data();
  for (size_t br = 0; br < block_rows; ++br) {
    __m512i acc[4];
    #pragma GCC unroll 4
    for (int i = 0; i < 4; ++i) acc[i] = _mm512_setzero_si512();
    const size_t end = s.row_ptr[br + 1];
    for (size_t blk = s.row_ptr[br]; blk < end; blk += 4) {
      uint64_t q;
      std::memcpy(&q, index + blk, 8);
      const uint32_t n = end - blk < 4 ? static_cast<uint32_t>(end - blk) : 4;
      const __m512i w = _mm512_maskz_loadu_epi32(static_cast<__mmask16>((1u << (4 * n)) - 1), values + blk * 16);
      #pragma GCC unroll 4
      for (int i = 0; i < 4; ++i) {
        const __mmask16 k = static_cast<__mmask16>(0xF << (4 * i));
        const __m512i x = _mm512_set1_epi32(quad(a, q, i));
        acc[i] = kZero ? _mm512_maskz_dpbusd_epi32(k, acc[i], x, w) : _mm512_mask_dpbusd_epi32(acc[i], k, x, w);
      }
    }
    store_row(_mm512_add_epi32(_mm512_add_epi32(acc[0], acc[1]), _mm512_add_epi32(acc[2], acc[3])),
              d + 4 * br);
  }
}

// One 128-bit vpdpbusd per block against a broadcast of its 4 activations (a plain load), blocks
// spread over kChains xmm accumulators: no vector of four blocks to build.
template <int kChains>
__attribute__((noinline)) void gemv_xmm(const Stream& s, size_t block_rows, const uint8_t* a, int32_t* d) {
  const uint16_t* index = s.index.data();
  const int8_t* values = s.values.data();
  for (size_t br = 0; br < block_rows; ++br) {
    __m128i acc[kChains];
    #pragma GCC unroll 8
    for (int c = 0; c < kChains; ++c) acc[c] = _mm_setzero_si128();
    size_t blk = s.row_ptr[br];
    const size_t end = s.row_ptr[br + 1];
    auto dot = [&](__m128i x, size_t b) __attribute__((always_inline)) {
      int32_t v;
      std::memcpy(&v, a + size_t(index[b]) * 4, 4);
      return _mm_dpbusd_epi32(x, _mm_set1_epi32(v), _mm_loadu_si128(reinterpret_cast<const __m128i*>(values + b * 16)));
    };
    for (; blk + kChains <= end; blk += kChains) {
      #pragma GCC unroll 8
      for (int c = 0; c < kChains; ++c) acc[c] = dot(acc[c], blk + c);
    }
    for (int c = 0; blk < end; ++blk, ++c) acc[c] = dot(acc[c], blk);
    #pragma GCC unroll 8
    for (int c = 1; c < kChains; ++c) acc[0] = _mm_add_epi32(acc[0], acc[c]);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d + 4 * br), acc[0]);
  }
}

// ymm vectors of two blocks (one merge a pair: a masked broadcast, or vinserti128), 8 blocks a step
// on 4 chains.
template <bool kInsert>
__attribute__((noinline)) void gemv_ymm(const Stream& s, size_t block_rows, const uint8_t* a, int32_t* d) {
  const uint16_t* index = s.index.data();
  const int8_t* values = s.values.data();
  auto pair = [&](uint64_t q, int i) __attribute__((always_inline)) {
    if constexpr (kInsert)
      return _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_set1_epi32(quad(a, q, i))),
                                     _mm_set1_epi32(quad(a, q, i + 1)), 1);
    else
      return _mm256_mask_set1_epi32(_mm256_set1_epi32(quad(a, q, i)), 0xF0, quad(a, q, i + 1));
  };
  auto w32 = [&](size_t blk) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(values + blk * 16)); };
  for (size_t br = 0; br < block_rows; ++br) {
    __m256i acc[4];
    #pragma GCC unroll 4
    for (int i = 0; i < 4; ++i) acc[i] = _mm256_setzero_si256();
    size_t blk = s.row_ptr[br];
    const size_t end = s.row_ptr[br + 1];
    for (; blk + 8 <= end; blk += 8) {
      uint64_t q0, q1;
      std::memcpy(&q0, index + blk, 8);
      std::memcpy(&q1, index + blk + 4, 8);
      acc[0] = _mm256_dpbusd_epi32(acc[0], pair(q0, 0), w32(blk));
      acc[1] = _mm256_dpbusd_epi32(acc[1], pair(q0, 2), w32(blk + 2));
      acc[2] = _mm256_dpbusd_epi32(acc[2], pair(q1, 0), w32(blk + 4));
      acc[3] = _mm256_dpbusd_epi32(acc[3], pair(q1, 2), w32(blk + 6));
    }
    for (; blk < end; blk += 2) {
      const uint32_t n = end - blk < 2 ? 1 : 2;
      uint64_t q = 0;
      std::memcpy(&q, index + blk, 4);
      const __m256i w = _mm256_maskz_loadu_epi32(static_cast<__mmask8>((1u << (4 * n)) - 1), values + blk * 16);
      acc[0] = _mm256_dpbusd_epi32(acc[0], pair(q, 0), w);
    }
    const __m256i t = _mm256_add_epi32(_mm256_add_epi32(acc[0], acc[1]), _mm256_add_epi32(acc[2], acc[3]));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d + 4 * br),
                     _mm_add_epi32(_mm256_castsi256_si128(t), _mm256_extracti128_si256(t, 1)));
  }
}

// The same blocks with the block rows in order of their block counts, so that consecutive rows leave
// their loops after the same number of steps (the outputs come out permuted: timing only).
Stream rows_by_count(const Stream& s, size_t block_rows) {
  std::vector<size_t> order(block_rows);
  for (size_t i = 0; i < block_rows; ++i) order[i] = i;
  auto count = [&](size_t r) { return s.row_ptr[r + 1] - s.row_ptr[r]; };
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return count(x) < count(y); });
  Stream t;
  t.row_ptr.push_back(0);
  for (size_t r : order) {
    for (uint32_t b = s.row_ptr[r]; b < s.row_ptr[r + 1]; ++b) {
      t.index.push_back(s.index[b]);
      t.values.insert(t.values.end(), s.values.begin() + b * 16, s.values.begin() + (b + 1) * 16);
    }
    t.row_ptr.push_back(static_cast<uint32_t>(t.index.size()));
  }
  t.values.resize(t.index.size() * 16 + 256);
  t.index.resize(t.index.size() + 8, 0);
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  const size_t N = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 4096;
  const size_t K = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 4096;
  const double density = argc > 3 ? std::atof(argv[3]) : 0.1;
  const Stream s = make_stream(N / 4, K / 4, density, 1);
  const Stream by_count = rows_by_count(s, N / 4);
  std::vector<uint8_t> a(K + 64), a16(K * 4 + 64);
  for (size_t k = 0; k < K; ++k) a[k] = static_cast<uint8_t>(k * 7);
  for (size_t g = 0; g < K / 4; ++g)
    for (int r = 0; r < 4; ++r) std::memcpy(&a16[g * 16 + r * 4], &a[g * 4], 4);
  std::vector<int32_t> d(N);
  const double blocks = s.row_ptr.back();
  std::printf("N %zu K %zu density %.3f: %.0f blocks, %.2f MB streamed\n", N, K, density, blocks, blocks * 18 / 1e6);
  auto run = [&](void (*f)(const Stream&, size_t, const uint8_t*, int32_t*), const uint8_t* x, const char* name,
                 const Stream* st = nullptr) {
    std::vector<double> us;
    for (int rep = 0; rep < 15; ++rep) {
      const auto t0 = std::chrono::steady_clock::now();
      for (int it = 0; it < 20; ++it) f(st ? *st : s, N / 4, x, d.data());
      us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / 20);
    }
    std::sort(us.begin(), us.end());
    std::printf("%-32s %8.2f us  %.3f ns/block  (check %d)\n", name, us[7], us[7] * 1e3 / blocks, d[0] ^ d[N / 2]);
  };
  run(gemv<kMasked>, a.data(), "masked broadcasts (the kernel)");
  run(gemv<kBlends>, a.data(), "broadcasts + 3 blends");
  run(gemv<kInsertPermute>, a.data(), "vpinsrd + vpermd");
  run(gemv<kExpanded>, a16.data(), "16-byte quads + inserts");
  run(gemv<kGather>, a.data(), "vpgatherdd");
  run(gemv<kNone>, a.data(), "weights and dots alone");
  run(gemv<kMasked, 4>, a.data(), "masked broadcasts, 4 chains");
  run(gemv<kNone, 4>, a.data(), "weights and dots alone, 4 chains");
  run(gemv<kMasked, 2, 1024>, a.data(), "masked broadcasts, prefetch 1 KB");
  run(gemv<kMasked, 2, 4096>, a.data(), "masked broadcasts, prefetch 4 KB");
  run(gemv_masked_dots<false>, a.data(), "merge-masked dot per block");
  run(gemv_xmm<4>, a.data(), "xmm dot per block, 4 chains");
  run(gemv_xmm<8>, a.data(), "xmm dot per block, 8 chains");
  run(gemv<kTwoMerges>, a.data(), "2 merges of 3 (wrong sums)");
  run(gemv<kOneMerge>, a.data(), "1 merge of 3 (wrong sums)");
  run(gemv_masked_dots<true>, a.data(), "zero-masked dot per block");
  run(gemv_ymm<false>, a.data(), "ymm pairs, masked broadcast");
  run(gemv_ymm<true>, a.data(), "ymm pairs, vinserti128");
  run(gemv<kMasked>, a.data(), "the kernel, rows by block count", &by_count);
}
