// The core's thread pool: every task of every region runs exactly once, on back-to-back regions
// whose helper counts differ (a worker left out of one region must not mistake the next one's start
// for the one it skipped), in both schedules. A hang is a failure too: a watchdog ends the process.
// Before the region's number and helper count were one word, 200000 such regions hung within two
// minutes here (a region run twice overshot the caller's count of finished helpers); 5000 keep the
// test at 2 s native and under emulation, a guard rather than a sure reproducer.
// Also the drivers' work sharing (core/work_split.h): every (column unit, row tile) runs once
// whatever thread is slow, and a slow thread's chunks are taken by the others; and a thread in
// serial mode (ei8_set_thread_serial) finishes a call while another thread holds the pool.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "check.h"
#include "core/threadpool.h"
#include "core/work_split.h"
#include "edge_int8.h"

namespace {

// Fails the run (instead of hanging CI) if a region never completes.
void start_watchdog(std::atomic<bool>& done, int seconds) {
  std::thread([&done, seconds] {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (!done.load()) {
      if (std::chrono::steady_clock::now() > end) {
        std::fprintf(stderr, "FAIL threadpool_test: a parallel region did not finish in %d s\n", seconds);
        std::printf("0 passed, 1 failed\n");
        std::fflush(stdout);
        std::_Exit(1);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }).detach();
}

}  // namespace

TEST(regions_of_varying_width_run_each_task_once) {
  ei8::ThreadPool& pool = ei8::ThreadPool::instance();
  const size_t saved = pool.threads();
  pool.set_threads(4);
  static std::atomic<bool> done{false};
  start_watchdog(done, 120);
  constexpr size_t kTasks = 8;
  std::atomic<int> runs[kTasks];
  const size_t widths[] = {2, 4, 1, 3, 4, 2};
  long bad_regions = 0;
  for (int region = 0; region < 5000; ++region) {
    for (auto& r : runs) r.store(0);
    const auto schedule = region % 2 ? ei8::ThreadPool::Schedule::kPinned : ei8::ThreadPool::Schedule::kDynamic;
    pool.parallel_for(kTasks, [&](size_t t) { runs[t].fetch_add(1); }, schedule, widths[region % 6]);
    for (auto& r : runs) bad_regions += r.load() != 1;
  }
  done.store(true);
  CHECK_EQ(bad_regions, 0L);
  pool.set_threads(saved);
}

// run_split over shapes of every kind (one unit, fewer units than threads, N and M splits, more
// chunks than units; one chunk a share: pinned tasks) with one thread held back in some calls: each
// (unit, tile) exactly once, the owner's prefetch limit never short of the piece, and the held-back
// thread's chunks taken by the others.
TEST(run_split_covers_each_unit_and_tile_once_and_helps_a_slow_thread) {
  ei8::ThreadPool& pool = ei8::ThreadPool::instance();
  const size_t saved = pool.threads();
  static std::atomic<bool> done{false};
  start_watchdog(done, 120);
  struct Shape { size_t units, tiles, threads; };
  const Shape shapes[] = {{1, 1, 2}, {1, 5, 2}, {3, 1, 4}, {2, 7, 4}, {16, 1, 2}, {17, 3, 2},
                          {64, 43, 2}, {5, 2, 3}, {100, 1, 4}, {9, 9, 3}};
  long bad = 0, helped = 0, slow_calls = 0;
  for (const Shape& sh : shapes) {
    pool.set_threads(sh.threads);
    const ei8::WorkSplit split = ei8::split_work(sh.units, sh.tiles, sh.threads);
    std::vector<std::atomic<int>> runs(sh.units * sh.tiles);
    for (size_t chunks : {size_t(1), size_t(3), ei8::kChunksPerShare}) {
      for (int call = 0; call < 60; ++call) {
        for (auto& r : runs) r.store(0);
        // Thread 1 sleeps before its first piece, when it owns a share of several chunks.
        const bool slow = call % 4 == 3 && split.m_chunks == 1 && split.n_chunks > 1 && chunks > 1 &&
                          split.units_per_chunk > 1;
        std::atomic<bool> slept{false};
        std::atomic<long> taken{0};  // share 1's pieces run by another thread
        ei8::run_split(split, sh.threads, chunks, [&](size_t u0, size_t u1, size_t t0, size_t t1, size_t u_end) {
          const bool owner = ei8::ThreadPool::participant() == 1;
          if (slow && owner && !slept.exchange(true)) std::this_thread::sleep_for(std::chrono::milliseconds(2));
          if (u_end < u1 || u0 >= u1 || t0 >= t1) ++bad;
          if (u0 / split.units_per_chunk == 1 && !owner) taken.fetch_add(1);
          for (size_t u = u0; u < u1; ++u)
            for (size_t t = t0; t < t1; ++t) runs[u * sh.tiles + t].fetch_add(1);
        });
        for (auto& r : runs) bad += r.load() != 1;
        if (slow) ++slow_calls, helped += taken.load() > 0;
      }
    }
  }
  done.store(true);
  CHECK_EQ(bad, 0L);
  // Most slow calls: the sleeping thread's share was partly run by the others.
  CHECK(slow_calls > 0 && helped * 2 > slow_calls);
  pool.set_threads(saved);
}

// A call large enough for two threads, made in serial mode while another thread's region holds the
// pool: it must finish on its own thread (without serial mode it would wait for that region, which
// waits for this call: the watchdog ends the run).
TEST(a_serial_thread_never_waits_for_another_threads_region) {
  ei8::ThreadPool& pool = ei8::ThreadPool::instance();
  const size_t saved = pool.threads();
  pool.set_threads(2);
  static std::atomic<bool> done{false};
  start_watchdog(done, 60);
  constexpr size_t M = 16, K = 256, N = 1024;  // 4 M multiply-adds: two threads when not serial
  std::vector<int8_t> b(K * N, 1);
  const int32_t zb = 0;
  ei8_packed* packed = nullptr;
  CHECK_EQ(ei8_pack_weights(b.data(), EI8_INT8, EI8_LAYOUT_KN, K, N, &zb, nullptr, 1, 0, &packed), EI8_OK);
  std::vector<uint8_t> a(M * K, 3);
  const int32_t za = 1;
  const ei8_activations act{a.data(), EI8_UINT8, M, K, K, &za, 1};
  std::vector<int32_t> out(M * N, 0);

  std::atomic<bool> held{false}, release{false};
  std::thread other([&] {
    pool.parallel_for(2, [&](size_t t) {
      if (t != 0) return;
      held.store(true);
      while (!release.load()) std::this_thread::yield();
    }, ei8::ThreadPool::Schedule::kPinned);
  });
  while (!held.load()) std::this_thread::yield();
  ei8_set_thread_serial(1);
  CHECK_EQ(ei8_get_threads(), size_t(1));
  CHECK_EQ(ei8_matmul_i32(&act, packed, out.data()), EI8_OK);
  ei8_set_thread_serial(0);
  release.store(true);
  other.join();
  done.store(true);
  long wrong = 0;
  for (int32_t v : out) wrong += v != int32_t(K * 2);  // (3 - 1) x 1 over K
  CHECK_EQ(wrong, 0L);
  CHECK_EQ(ei8_get_threads(), size_t(2));
  ei8_packed_release(packed);
  pool.set_threads(saved);
}

TEST_MAIN()
