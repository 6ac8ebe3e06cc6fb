#include "core/threadpool.h"

#if defined(__linux__)
#include <sched.h>
#endif

namespace ei8 {

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

ThreadPool::~ThreadPool() {
  std::lock_guard<std::mutex> region(region_mu_);
  resize_workers(0);
}

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
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
  stop_ = false;
  for (size_t i = 0; i < workers; ++i) workers_.emplace_back([this, i] { worker_loop(i); });
}

void ThreadPool::run_tasks() {
  for (size_t t = next_.fetch_add(1); t < ntasks_; t = next_.fetch_add(1)) (*task_)(t);
}

void ThreadPool::worker_loop(size_t index) {
  size_t seen = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return stop_ || (generation_ != seen && index < active_workers_); });
      if (stop_) return;
      seen = generation_;
    }
    run_tasks();
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++finished_;
    }
    done_.notify_one();
  }
}

void ThreadPool::parallel_for(size_t ntasks, const std::function<void(size_t)>& task) {
  if (ntasks == 0) return;
  std::lock_guard<std::mutex> region(region_mu_);
  const size_t helpers = std::min(workers_.size(), ntasks - 1);
  if (helpers == 0) {
    for (size_t t = 0; t < ntasks; ++t) task(t);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    task_ = &task;
    ntasks_ = ntasks;
    next_.store(0);
    finished_ = 0;
    active_workers_ = helpers;
    ++generation_;
  }
  wake_.notify_all();
  run_tasks();
  std::unique_lock<std::mutex> lock(mu_);
  done_.wait(lock, [&] { return finished_ == helpers; });
  task_ = nullptr;
}

}  // namespace ei8
