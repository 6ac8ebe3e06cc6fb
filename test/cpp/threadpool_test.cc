// The core's thread pool: every task of every region runs exactly once, on back-to-back regions
// whose helper counts differ (a worker left out of one region must not mistake the next one's start
// for the one it skipped), in both schedules. A hang is a failure too: a watchdog ends the process.
// Before the region's number and helper count were one word, 200000 such regions hung within two
// minutes here (a region run twice overshot the caller's count of finished helpers); 5000 keep the
// test at 2 s native and under emulation, a guard rather than a sure reproducer.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "check.h"
#include "core/threadpool.h"

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

TEST_MAIN()
