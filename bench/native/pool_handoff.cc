// What a two-thread call costs the thread pool itself: an empty parallel_for region on two threads
// (the caller and one helper, pinned schedule), against the floor set by the machine: one cache
// line passed from one core to the other and back (an atomic ping-pong between two threads pinned
// to cores 0 and 1). Medians of repeated loops. Not shipped; Linux.
//
//   g++ -O2 -std=c++17 -pthread -Icsrc -o /tmp/pool_handoff bench/native/pool_handoff.cc csrc/core/threadpool.cc
//   /tmp/pool_handoff
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <thread>
#include <vector>

#include "core/threadpool.h"

namespace {

void pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

template <class F>
double median_ns(int loops, int iterations, F&& body) {
  std::vector<double> ns;
  for (int l = 0; l < loops; ++l) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < iterations; ++i) body();
    ns.push_back(std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() / iterations);
  }
  std::sort(ns.begin(), ns.end());
  return ns[ns.size() / 2];
}

// One line's round trip between cores 0 and 1, by two threads of their own (the calling thread and
// the pool's workers keep their affinity).
double round_trip_ns() {
  alignas(64) std::atomic<int> flag{0};
  constexpr int kTrips = 200000;
  auto side = [&](int cpu, int first) {
    pin(cpu);
    for (int i = 0; i < kTrips; ++i) {
      if (first) flag.store(2 * i + 1, std::memory_order_release);
      while (flag.load(std::memory_order_acquire) != 2 * i + 1 + first) {
      }
      if (!first) flag.store(2 * i + 2, std::memory_order_release);
    }
  };
  std::thread other(side, 1, 0);
  const auto t0 = std::chrono::steady_clock::now();
  std::thread first(side, 0, 1);
  first.join();
  const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() / kTrips;
  other.join();
  return ns;
}

}  // namespace

int main() {
  std::printf("line round trip between cores 0 and 1: %.0f ns\n", round_trip_ns());
  ei8::ThreadPool& pool = ei8::ThreadPool::instance();
  pool.set_threads(2);
  // Tasks that write only a line of their own (as the drivers' tasks write their own outputs), and
  // tasks that both add to one shared counter.
  struct alignas(64) Slot {
    size_t v = 0;
  };
  Slot own[2];
  std::atomic<size_t> shared{0};
  const std::function<void(size_t)> own_line = [&](size_t i) { own[i].v += i + 1; };
  const std::function<void(size_t)> shared_line = [&](size_t i) { shared.fetch_add(i, std::memory_order_relaxed); };
  for (int r = 0; r < 3; ++r) {
    auto region = [&](const std::function<void(size_t)>& task) {
      return median_ns(9, 20000, [&] { pool.parallel_for(2, task, ei8::ThreadPool::Schedule::kPinned, 2); });
    };
    const double a = region(own_line), b = region(shared_line);
    std::printf("two-thread region, tasks writing their own line: %.0f ns; one shared counter: %.0f ns\n", a, b);
  }
}
