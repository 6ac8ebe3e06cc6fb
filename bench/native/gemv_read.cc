// Whether the AVX-512 VNNI GEMV micro-kernel (M = 1) reads its weights as fast as a plain load
// loop: the shipped gemv_2x64c4 over every panel of a K x N packed matrix, against a copy of the
// read probe's loop (core/probe.cc, internal there) over the same buffer, alternating, medians.
// Both see the same cache state, which ei8_probe_read_bandwidth (its own buffer, best of 5) does
// not give. No driver around the kernel: what bench/'s "% of read BW" loses beyond this ratio is
// the per-call cost (JS, corrections, split) and the probe's best-of-5 against a median.
// Not shipped; x86-64 with AVX-512 VNNI only.
//
//   g++ -O3 -std=c++17 -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx512vnni -Icsrc -o /tmp/gemv_read
//     bench/native/gemv_read.cc csrc/kernels/avx512vnni/gemv_2x64c4__avx512vnni.cc   (one command)
//   /tmp/gemv_read 4096 4096 201       # K N repeats
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "kernels/avx512vnni/avx512vnni_kernels.h"

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

__attribute__((noinline)) uint64_t read_all(const uint8_t* p, size_t bytes) {
  __m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0;
  for (size_t i = 0; i + 256 <= bytes; i += 256) {
    s0 = _mm512_add_epi64(s0, _mm512_load_si512(p + i));
    s1 = _mm512_add_epi64(s1, _mm512_load_si512(p + i + 64));
    s2 = _mm512_add_epi64(s2, _mm512_load_si512(p + i + 128));
    s3 = _mm512_add_epi64(s3, _mm512_load_si512(p + i + 192));
  }
  alignas(64) uint64_t lanes[8];
  _mm512_store_si512(lanes, _mm512_add_epi64(_mm512_add_epi64(s0, s1), _mm512_add_epi64(s2, s3)));
  return lanes[0] + lanes[7];
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s K N repeats   (K %% 8 == 0, N %% 64 == 0)\n", argv[0]);
    return 2;
  }
  const size_t K = std::atoi(argv[1]), N = std::atoi(argv[2]);
  const int repeats = std::atoi(argv[3]);
  if (K % 8 || N % 64 || repeats < 1) return 2;
  const size_t bytes = K * N, panel_bytes = K * 64;
  auto* w = static_cast<int8_t*>(std::aligned_alloc(64, bytes));
  std::memset(w, 1, bytes);
  std::vector<uint8_t> a(K, 3);
  alignas(64) static int32_t d[128];
  std::vector<double> kernel, read;
  volatile uint64_t sink = 0;
  for (int r = 0; r < repeats; ++r) {
    double s = now();
    for (size_t p = 0; p < N / 64; ++p) ei8::avx512vnni::gemv_2x64c4(1, K, a.data(), K, w + p * panel_bytes, d);
    kernel.push_back(now() - s);
    s = now();
    sink = sink + read_all(reinterpret_cast<const uint8_t*>(w), bytes);
    read.push_back(now() - s);
  }
  const double tk = median(kernel), tr = median(read);
  std::printf("%zux%zu (%.1f MB): kernel %.1f GB/s, read loop %.1f GB/s, kernel/read %.0f%%\n", K, N, bytes / 1e6,
              bytes / tk / 1e9, bytes / tr / 1e9, 100 * tr / tk);
}
