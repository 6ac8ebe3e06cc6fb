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
#include "dispatch/registry.h"
#include "edge_int8.h"

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
  const size_t words = bytes / 8, per_thread = words / threads;
  const uint64_t* base = reinterpret_cast<const uint64_t*>(buffer.data());
  const size_t passes = std::max<size_t>(1, (size_t(256) << 20) / bytes);  // ~256 MB read per round
  std::atomic<uint64_t> sink{0};
  return best_rate(threads, [&](size_t t) {
    const uint64_t* p = base + t * per_thread;
    uint64_t s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (size_t pass = 0; pass < passes; ++pass)
      for (size_t i = 0; i + 8 <= per_thread; i += 8)
        for (int j = 0; j < 8; ++j) s[j] += p[i + j];
    sink += s[0] + s[1] + s[2] + s[3] + s[4] + s[5] + s[6] + s[7];
    return static_cast<double>(passes * (per_thread / 8) * 64);
  });
}
