// Why an async matmul on warm weights runs slower than the same call made synchronously: the
// thread that computes it (a libuv worker) sleeps between calls. Here a worker thread reads one
// buffer per request from the main thread, and between requests it either sleeps on a condition
// variable (as libuv's workers do) or spins (as the core's pool workers do for 200 us). Median read
// time of each mode, same buffer, same cores. Not shipped; x86-64 with AVX-512F.
//
//   g++ -O2 -std=c++17 -mavx512f -pthread -o /tmp/wake_read bench/native/wake_read.cc
//   /tmp/wake_read 8192      # KB
#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

namespace {

long long sink;

double read_us(const char* p, size_t n) {
  const auto t0 = std::chrono::steady_clock::now();
  __m512i acc = _mm512_setzero_si512();
  for (size_t i = 0; i < n; i += 64) acc = _mm512_add_epi64(acc, _mm512_load_si512(p + i));
  sink += _mm512_reduce_add_epi64(acc);
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
}

// `requests` reads by a worker thread, each on request of this thread, which waits for it.
double median_read(const char* p, size_t n, bool spin, int requests) {
  std::mutex mu;
  std::condition_variable cv;
  int asked = 0, answered = 0;
  std::atomic<int> spin_asked{0}, spin_answered{0};
  std::vector<double> t;
  std::thread worker([&] {
    for (int i = 0; i < requests; ++i) {
      if (spin) {
        while (spin_asked.load() <= i) _mm_pause();
      } else {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return asked > i; });
      }
      t.push_back(read_us(p, n));
      if (spin) {
        spin_answered.store(i + 1);
      } else {
        std::lock_guard<std::mutex> lock(mu);
        answered = i + 1;
        cv.notify_all();
      }
    }
  });
  for (int i = 0; i < requests; ++i) {
    if (spin) {
      spin_asked.store(i + 1);
      while (spin_answered.load() <= i) _mm_pause();
    } else {
      {
        std::lock_guard<std::mutex> lock(mu);
        asked = i + 1;
      }
      cv.notify_all();
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return answered > i; });
    }
  }
  worker.join();
  std::sort(t.begin() + 10, t.end());  // the first 10 reads warm the buffer up
  return t[10 + (t.size() - 10) / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const size_t n = size_t(argc > 1 ? atoi(argv[1]) : 8192) << 10;
  char* p = static_cast<char*>(aligned_alloc(64, n));
  std::memset(p, 1, n);
  for (int round = 0; round < 3; ++round)
    std::printf("%zu KB: worker spinning between reads %.1f us, sleeping %.1f us\n", n >> 10,
                median_read(p, n, true, 200), median_read(p, n, false, 200));
  std::free(p);
}
