// Where a large-M GEMM's time goes on AVX-512 VNNI: the shipped 6x64 micro-kernel under several
// loop orders over one thread, as % of this CPU's measured vpdpbusd peak, with no driver around it
// (no zero-point corrections, no threads, the int32 tile copied out as the driver does).
//   panel    the shipped order for M > 24 (core/gemm.cc run_panels): panel by panel, every row tile
//            over all of K, each tile after the first prefetching a slice of the next panel;
//   kin<ck>  each panel walked in k-blocks of ck, all row tiles per block (run_k_chunks' order for
//            every tile count), accumulators kept per tile;
//   kout<ck> k-blocks outermost (the A block reused from L2 across panels), every (panel, tile)
//            accumulating into a scratch of the whole output;
//   packedA  panel order over A packed per tile ([k-quad][row][4 bytes]: one sequential stream).
// Not shipped; x86-64 with AVX-512 VNNI only.
//
//   g++ -O3 -std=c++17 -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx512vnni -Icsrc -o /tmp/gemm_sched
//     bench/native/gemm_schedules.cc csrc/kernels/avx512vnni/gemm_6x64c4__avx512vnni.cc
//     csrc/kernels/avx512vnni/peak__avx512vnni.cc        (one command)
//   /tmp/gemm_sched 256 4096 4096 3 1024 2048      # M K N repeats [block sizes...]
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "kernels/avx512vnni/avx512vnni_kernels.h"

namespace {

using namespace ei8::avx512vnni;

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

// The shipped kernel's loop over A packed per tile: row r's 4 bytes of k-quad q at a[24 q + 4 r].
void gemm_packed_a(size_t kc, const uint8_t* a, const int8_t* w, int32_t* d) {
  __m512i c[6][4];
  #pragma GCC unroll 6
  for (int r = 0; r < 6; ++r)
    #pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) c[r][j] = _mm512_setzero_si512();
  for (size_t k = 0; k < kc; k += 4, w += 256, a += 24) {
    __m512i b[4];
    #pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) b[j] = _mm512_load_si512(w + 64 * j);
    #pragma GCC unroll 6
    for (int r = 0; r < 6; ++r) {
      int32_t v;
      std::memcpy(&v, a + 4 * r, 4);
      const __m512i va = _mm512_set1_epi32(v);
      #pragma GCC unroll 4
      for (int j = 0; j < 4; ++j) c[r][j] = _mm512_dpbusd_epi32(c[r][j], va, b[j]);
    }
  }
  #pragma GCC unroll 6
  for (int r = 0; r < 6; ++r)
    #pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) _mm512_store_si512(d + r * 64 + j * 16, c[r][j]);
}

struct Problem {
  size_t M, K, N, tiles, panels, panel_bytes;
  std::vector<uint8_t> a;
  int8_t* w;
  std::vector<int32_t> out;
  int32_t* scratch;  // kout: one 6x64 tile per (panel, row tile)

  Problem(size_t m, size_t k, size_t n)
      : M(m), K(k), N(n), tiles((m + 5) / 6), panels(n / 64), panel_bytes(k * 64), a(m * k + 64, 3), out(m * n) {
    w = static_cast<int8_t*>(std::aligned_alloc(64, k * n));
    std::memset(w, 1, k * n);
    scratch = static_cast<int32_t*>(std::aligned_alloc(64, panels * tiles * 384 * sizeof(int32_t)));
  }
  size_t rows(size_t t) const { return std::min<size_t>(6, M - t * 6); }
  const uint8_t* a_tile(size_t t, size_t k0) const { return a.data() + t * 6 * K + k0; }
  const int8_t* panel(size_t p, size_t k0 = 0) const { return w + p * panel_bytes + k0 * 64; }
  void copy_out(size_t t, size_t p, const int32_t* d) {
    for (size_t r = 0; r < rows(t); ++r) std::memcpy(&out[(t * 6 + r) * N + p * 64], d + r * 64, 256);
  }
};

alignas(64) int32_t tile_acc[64][384];

void panel_order(Problem& P) {
  const size_t slice = ((P.panel_bytes + P.tiles - 2) / (P.tiles - 1) + 63) / 64 * 64;
  for (size_t p = 0; p < P.panels; ++p)
    for (size_t t = 0; t < P.tiles; ++t) {
      const size_t start = t ? (t - 1) * slice : 0;
      if (p + 1 < P.panels && t && start < P.panel_bytes)
        gemm_6x64c4_prefetch(P.rows(t), P.K, P.a_tile(t, 0), P.K, P.panel(p), tile_acc[0], P.panel(p + 1) + start,
                             std::min(slice, P.panel_bytes - start));
      else
        gemm_6x64c4(P.rows(t), P.K, P.a_tile(t, 0), P.K, P.panel(p), tile_acc[0]);
      P.copy_out(t, p, tile_acc[0]);
    }
}

void k_inner(Problem& P, size_t ck) {
  for (size_t p = 0; p < P.panels; ++p) {
    for (size_t k0 = 0; k0 < P.K; k0 += ck) {
      const size_t kc = std::min(ck, P.K - k0);
      // The next block (this panel's or the next panel's first), prefetched in shares by the tiles.
      const size_t next_bytes =
          k0 + kc < P.K ? std::min(ck, P.K - k0 - kc) * 64 : (p + 1 < P.panels ? std::min(ck, P.K) * 64 : 0);
      const int8_t* next = P.panel(p, k0 + kc);
      const size_t share = ((next_bytes + P.tiles - 1) / P.tiles + 63) / 64 * 64;
      for (size_t t = 0; t < P.tiles; ++t) {
        const size_t start = std::min(next_bytes, t * share), bytes = std::min(share, next_bytes - start);
        (k0 == 0 ? gemm_6x64c4_prefetch : gemm_6x64c4_accumulate)(P.rows(t), kc, P.a_tile(t, k0), P.K, P.panel(p, k0),
                                                                  tile_acc[t], bytes ? next + start : nullptr, bytes);
      }
    }
    for (size_t t = 0; t < P.tiles; ++t) P.copy_out(t, p, tile_acc[t]);
  }
}

void k_outer(Problem& P, size_t ck) {
  for (size_t k0 = 0; k0 < P.K; k0 += ck) {
    const size_t kc = std::min(ck, P.K - k0);
    for (size_t p = 0; p < P.panels; ++p)
      for (size_t t = 0; t < P.tiles; ++t) {
        int32_t* d = P.scratch + (p * P.tiles + t) * 384;
        for (int l = 0; l < 24; ++l) __builtin_prefetch(d + 384 + l * 16, 1, 3);  // the next tile's sums
        (k0 == 0 ? gemm_6x64c4_prefetch : gemm_6x64c4_accumulate)(P.rows(t), kc, P.a_tile(t, k0), P.K,
                                                                  P.panel(p, k0), d, nullptr, 0);
        if (k0 + kc == P.K) P.copy_out(t, p, d);
      }
  }
}

void packed_a(Problem& P, std::vector<uint8_t>& ap) {
  for (size_t t = 0; t < P.tiles; ++t)  // packed once per call, as a driver would
    for (size_t q = 0; q < P.K / 4; ++q)
      for (size_t r = 0; r < 6; ++r)
        std::memcpy(&ap[(t * P.K / 4 + q) * 24 + r * 4], &P.a[std::min(t * 6 + r, P.M - 1) * P.K + q * 4], 4);
  for (size_t p = 0; p < P.panels; ++p)
    for (size_t t = 0; t < P.tiles; ++t) {
      gemm_packed_a(P.K, ap.data() + t * 6 * P.K, P.panel(p), tile_acc[0]);
      P.copy_out(t, p, tile_acc[0]);
    }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s M K N repeats [k-block...]   (K %% 4 == 0, N %% 64 == 0, 7 <= M <= 384)\n", argv[0]);
    return 2;
  }
  Problem P(std::atoi(argv[1]), std::atoi(argv[2]), std::atoi(argv[3]));
  const int repeats = std::atoi(argv[4]);
  if (P.K % 4 || P.N % 64 || P.tiles < 2 || P.tiles > 64) return 2;
  std::vector<uint8_t> ap(P.tiles * 6 * P.K);
  std::vector<std::pair<std::string, std::function<void()>>> runs = {{"panel", [&] { panel_order(P); }},
                                                                      {"packedA", [&] { packed_a(P, ap); }}};
  for (int i = 5; i < argc; ++i) {
    const size_t ck = std::atoi(argv[i]);
    runs.push_back({"kin" + std::to_string(ck), [&P, ck] { k_inner(P, ck); }});
    runs.push_back({"kout" + std::to_string(ck), [&P, ck] { k_outer(P, ck); }});
  }
  const double t0 = now();
  const double peak = dot_peak(20000000) / (now() - t0);
  std::vector<double> best(runs.size(), 1e30);
  for (int r = 0; r < repeats; ++r)  // alternating, best of the repeats
    for (size_t i = 0; i < runs.size(); ++i) {
      const double s = now();
      runs[i].second();
      best[i] = std::min(best[i], now() - s);
    }
  const double macs = double(P.M) * P.K * P.N;
  std::printf("%zux%zux%zu, peak %.0f GMAC/s:", P.M, P.K, P.N, peak / 1e9);
  for (size_t i = 0; i < runs.size(); ++i) std::printf("  %s %.1f%%", runs[i].first.c_str(), 100 * macs / best[i] / peak);
  std::printf("\n");
}
