// Roofline probes (edge_int8.h): the peak of a path's dot-product instruction and the read
// bandwidth for a buffer size, measured on the core's own thread pool.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "core/aligned_buffer.h"
#include "core/threadpool.h"
#include "dispatch/cpu_features.h"
#include "dispatch/registry.h"
#include "edge_int8.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

using namespace ei8;

namespace {

using Clock = std::chrono::steady_clock;

// Best rate over a few timed rounds of `round(t)` run on `threads` threads; round returns work done.
template <class Round>
double best_rate(size_t threads, Round&& round) {
  ThreadPool& pool = ThreadPool::instance();
  const size_t saved = pool.threads();
  pool.set_threads(threads);
  double best = 0;
  for (int rep = 0; rep < 5; ++rep) {
    std::atomic<double> work{0};
    const auto t0 = Clock::now();
    pool.parallel_for(threads, [&](size_t t) {
      const double w = round(t);
      double cur = work.load();
      while (!work.compare_exchange_weak(cur, cur + w)) {
      }
    });
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    best = std::max(best, work.load() / seconds);
  }
  pool.set_threads(saved);
  return best;
}

// Sums of a buffer with the widest loads the CPU has, four independent accumulators: the loop
// must be limited by the memory system, not by its own instructions.
using ReadFn = uint64_t (*)(const uint8_t* p, size_t bytes);

uint64_t read_portable(const uint8_t* p, size_t bytes) {
  const uint64_t* w = reinterpret_cast<const uint64_t*>(p);
  uint64_t s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (size_t i = 0; i + 8 <= bytes / 8; i += 8)
    for (int j = 0; j < 8; ++j) s[j] += w[i + j];
  return s[0] + s[1] + s[2] + s[3] + s[4] + s[5] + s[6] + s[7];
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) uint64_t read_avx2(const uint8_t* p, size_t bytes) {
  __m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0;
  for (size_t i = 0; i + 128 <= bytes; i += 128) {
    s0 = _mm256_add_epi64(s0, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i)));
    s1 = _mm256_add_epi64(s1, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 32)));
    s2 = _mm256_add_epi64(s2, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 64)));
    s3 = _mm256_add_epi64(s3, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 96)));
  }
  const __m256i s = _mm256_add_epi64(_mm256_add_epi64(s0, s1), _mm256_add_epi64(s2, s3));
  return static_cast<uint64_t>(_mm256_extract_epi64(s, 0) + _mm256_extract_epi64(s, 3));
}

__attribute__((target("avx512f"))) uint64_t read_avx512(const uint8_t* p, size_t bytes) {
  __m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0;
  for (size_t i = 0; i + 256 <= bytes; i += 256) {
    s0 = _mm512_add_epi64(s0, _mm512_load_si512(p + i));
    s1 = _mm512_add_epi64(s1, _mm512_load_si512(p + i + 64));
    s2 = _mm512_add_epi64(s2, _mm512_load_si512(p + i + 128));
    s3 = _mm512_add_epi64(s3, _mm512_load_si512(p + i + 192));
  }
  // A store and a scalar sum rather than _mm512_reduce_add_epi64, which GCC 12's header flags as
  // reading an uninitialised value.
  alignas(64) uint64_t lanes[8];
  _mm512_store_si512(lanes, _mm512_add_epi64(_mm512_add_epi64(s0, s1), _mm512_add_epi64(s2, s3)));
  uint64_t sum = 0;
  for (uint64_t v : lanes) sum += v;
  return sum;
}
#endif

ReadFn fastest_read() {
#if defined(__x86_64__)
  if (cpu_features().avx512f) return read_avx512;
  if (cpu_features().avx2) return read_avx2;
#endif
  return read_portable;
}

}  // namespace

double ei8_probe_dot_peak(const char* isa, size_t threads) {
  if (!isa || threads == 0) return 0;
  const KernelPath* path = nullptr;
  for (const IsaEntry& e : available_isas())
    if (std::string(isa) == e.name) path = e.path;
  if (!path || !path->dot_peak) return 0;
  // Size one round to roughly 50 ms on this thread.
  uint64_t iterations = 1 << 12;
  for (;;) {
    const auto t0 = Clock::now();
    path->dot_peak(iterations);
    if (std::chrono::duration<double>(Clock::now() - t0).count() > 0.05 || iterations > (uint64_t(1) << 40)) break;
    iterations *= 2;
  }
  return best_rate(threads, [&](size_t) { return static_cast<double>(path->dot_peak(iterations)); });
}

double ei8_probe_read_bandwidth(size_t bytes, size_t threads) {
  if (bytes < 4096 || threads == 0) return 0;
  AlignedBuffer buffer(bytes);
  if (!buffer.data()) return 0;
  std::memset(buffer.data(), 1, bytes);
  const size_t per_thread = bytes / threads / 256 * 256;  // whole 256-byte blocks, 64-byte aligned
  const size_t passes = std::max<size_t>(1, (size_t(256) << 20) / bytes);  // ~256 MB read per round
  const ReadFn read = fastest_read();
  std::atomic<uint64_t> sink{0};
  return best_rate(threads, [&](size_t t) {
    const uint8_t* p = buffer.data() + t * per_thread;
    uint64_t s = 0;
    for (size_t pass = 0; pass < passes; ++pass) s += read(p, per_thread);
    sink += s;
    return static_cast<double>(passes * per_thread);
  });
}
