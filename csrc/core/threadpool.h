// The core's thread pool: a fixed set of workers plus the calling thread.
// One parallel region runs at a time (a second caller waits), so concurrent async calls never put
// more than threads() compute threads on the machine; a thread in serial mode runs its calls alone
// beside them (the Node binding's async calls too small for a worker: a few microseconds each).
// Workers spin briefly after a region before sleeping, so that back-to-back calls (an LLM decode
// loop) do not pay a wake-up each time.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/cache_line.h"

namespace ei8 {

class ThreadPool {
 public:
  static ThreadPool& instance();

  // Number of threads a parallel region uses (>= 1, the caller included); 1 on a thread in serial
  // mode, whose calls then run on it alone and never wait for a region another thread is running.
  void set_threads(size_t n);
  size_t threads() const { return serial_thread() ? 1 : threads_.load(); }
  static bool serial_thread();
  static void set_serial_thread(bool on);

  // Runs task(t) for every t in [0, ntasks) on up to min(threads(), ntasks) threads. Dynamic
  // schedules hand tasks to whichever thread is free (balance on a noisy machine); pinned ones run
  // task t on thread t % participants, the caller being thread 0, so that a region repeated on the
  // same data finds each thread's share in that core's own caches (what streaming GEMV needs).
  // At most max_threads threads take part (the caller's plan: per-thread scratch sized for it holds
  // even when setThreads grows the pool meanwhile).
  enum class Schedule { kDynamic, kPinned };
  void parallel_for(size_t ntasks, const std::function<void(size_t)>& task, Schedule schedule = Schedule::kDynamic,
                    size_t max_threads = SIZE_MAX);

  // Inside a task: the running thread's index in its region, 0 (the caller) to threads - 1; 0 outside
  // a region. For scratch that each thread fills and reads itself, so that no cache line of it moves
  // between cores.
  static size_t participant();

 private:
  ThreadPool();
  void worker_loop(size_t index, size_t seen_generation);
  void run_tasks(size_t thread_index);
  void resize_workers(size_t workers);

  std::atomic<size_t> threads_{1};
  std::mutex region_mu_;  // serialises parallel regions and resizing

  std::mutex sleep_mu_;
  std::condition_variable wake_;
  std::vector<std::thread> workers_;
  // The current region as one word: its number (bumped to start a region) above kHelperBits bits
  // of its helper count. One load gives a worker both: read apart, a worker left out of one region
  // could pair that region's number with the next one's helper count and run the next region twice.
  // What the caller writes to start a region and the helpers read, on one line: a helper's first
  // miss brings all of it.
  static constexpr unsigned kHelperBits = 20;
  alignas(kCacheLine) std::atomic<uint64_t> region_{0};
  std::atomic<bool> stop_{false};
  const std::function<void(size_t)>* task_ = nullptr;
  size_t ntasks_ = 0;
  size_t participants_ = 1;
  Schedule schedule_ = Schedule::kDynamic;

  // Written by the helpers: the next task (dynamic schedules), the regions they finished. finished_
  // only grows (the caller waits for finished_target_), so the caller never writes its line.
  alignas(kCacheLine) std::atomic<size_t> next_{0};
  alignas(kCacheLine) std::atomic<size_t> finished_{0};
  alignas(kCacheLine) size_t finished_target_ = 0;  // the caller's, under region_mu_
};

size_t default_thread_count();

}  // namespace ei8
