#include "core/threadpool.h"

#include <algorithm>
#include <chrono>

#if defined(__linux__)
#include <sched.h>
#endif
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace ei8 {

namespace {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__) || defined(__arm__)
  __asm__ volatile("yield");
#endif
}

// Set by run_tasks; trivially destructible, so no TLS destructor registration (glibc 2.18) is needed.
thread_local size_t tls_participant = 0;
thread_local bool tls_serial = false;

// How long a worker keeps polling for the next region before it sleeps.
constexpr auto kSpin = std::chrono::microseconds(200);

}  // namespace

size_t default_thread_count() {
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return static_cast<size_t>(n);
  }
#endif
  const unsigned n = std::thread::hardware_concurrency();
  return n > 0 ? n : 1;
}

ThreadPool& ThreadPool::instance() {
  // Never destroyed: at process exit a worker may still be inside a region started by an async
  // call on another thread, and joining it from a static destructor could stall the exit.
  static ThreadPool* pool = new ThreadPool();
  return *pool;
}

ThreadPool::ThreadPool() { set_threads(default_thread_count()); }

void ThreadPool::set_threads(size_t n) {
  if (n < 1) n = 1;
  std::lock_guard<std::mutex> region(region_mu_);
  resize_workers(n - 1);
  threads_.store(n);
}

// Caller holds region_mu_.
void ThreadPool::resize_workers(size_t workers) {
  if (workers == workers_.size()) return;
  {
    std::lock_guard<std::mutex> lock(sleep_mu_);
    stop_.store(true);
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
  stop_.store(false);
  // The generation is read here, not by the new thread: a region may start before it runs.
  const size_t generation = static_cast<size_t>(region_.load() >> kHelperBits);
  for (size_t i = 0; i < workers; ++i) workers_.emplace_back([this, i, generation] { worker_loop(i, generation); });
}

size_t ThreadPool::participant() { return tls_participant; }

bool ThreadPool::serial_thread() { return tls_serial; }
void ThreadPool::set_serial_thread(bool on) { tls_serial = on; }

void ThreadPool::run_tasks(size_t thread_index) {
  tls_participant = thread_index;
  struct Reset {
    ~Reset() { tls_participant = 0; }
  } reset;
  if (schedule_ == Schedule::kPinned) {
    for (size_t t = thread_index; t < ntasks_; t += participants_) (*task_)(t);
    return;
  }
  for (size_t t = next_.fetch_add(1); t < ntasks_; t = next_.fetch_add(1)) (*task_)(t);
}

void ThreadPool::worker_loop(size_t index, size_t seen) {
  for (;;) {
    // A new region for this worker: its number moved and this worker is among its helpers.
    uint64_t region = 0;
    auto ready = [&] {
      region = region_.load();
      return (region >> kHelperBits) != seen && index < (region & ((uint64_t(1) << kHelperBits) - 1));
    };
    const auto spin_until = std::chrono::steady_clock::now() + kSpin;
    while (!ready() && !stop_.load() && std::chrono::steady_clock::now() < spin_until) cpu_relax();
    if (!ready()) {
      std::unique_lock<std::mutex> lock(sleep_mu_);
      wake_.wait(lock, [&] { return stop_.load() || ready(); });
    }
    if (stop_.load()) return;
    seen = static_cast<size_t>(region >> kHelperBits);  // the region ready() saw, not a later one
    run_tasks(index + 1);
    finished_.fetch_add(1);
  }
}

void ThreadPool::parallel_for(size_t ntasks, const std::function<void(size_t)>& task, Schedule schedule,
                              size_t max_threads) {
  if (ntasks == 0) return;
  std::lock_guard<std::mutex> region(region_mu_);
  const size_t helpers = std::min({workers_.size(), ntasks - 1, std::max<size_t>(max_threads, 1) - 1});
  if (helpers == 0) {
    for (size_t t = 0; t < ntasks; ++t) task(t);
    return;
  }
  task_ = &task;
  ntasks_ = ntasks;
  participants_ = helpers + 1;
  schedule_ = schedule;
  if (schedule == Schedule::kDynamic) next_.store(0);
  finished_target_ += helpers;
  {
    // Under the sleep lock, so that a worker between its check and its wait cannot miss it.
    std::lock_guard<std::mutex> lock(sleep_mu_);
    const uint64_t number = (region_.load() >> kHelperBits) + 1;
    region_.store(number << kHelperBits | helpers);
  }
  wake_.notify_all();
  run_tasks(0);
  // The helpers finish within the region's last task; yield if one of them was descheduled.
  for (unsigned spins = 0; finished_.load() != finished_target_; ++spins) {
    if (spins < 4096)
      cpu_relax();
    else
      std::this_thread::yield();
  }
  task_ = nullptr;
}

}  // namespace ei8
