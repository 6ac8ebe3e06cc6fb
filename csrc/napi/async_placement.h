// Where an async matmul call runs: on the calling (JS) thread, returning a settled promise, or on a
// libuv worker. A worker's round trip alone costs about 30 us from issue to result on the 2-core VM
// this was measured on, and issuing it holds the JS thread 3-18 us (docs/benchmarks.md, "Async
// calls"). A call that runs in less than that trip (kInlineBudgetNs) runs on the calling thread: its
// result comes sooner than a worker's could, and it holds the JS thread no longer than the trip.
//
// How long a call runs depends on the CPU, the path and where its weights sit in the caches, so the
// placement learns it from the calls that ran on this thread (async calls run inline, and sync
// calls larger than kUnmeasuredInlineMacs), kept per weights, shape and output kind: the next async
// call of that key runs where that time says. A worker's run time is not kept: on a thread that
// slept between calls, and on a core it may share with the pool's spinning helper, it says little
// about a run on this thread (a 2-thread 1x1024x1024 call took 15-300 us there against 7-15 us
// here). A key not measured yet runs inline if it has at most kUnmeasuredInlineMacs multiply-adds,
// which measures it; larger ones go to a worker until a sync call has measured them.
//
// Run times on this thread have outliers both ways, so no single one decides: the smallest of the
// last three does, and a key on a worker is measured again now and then by two calls in a row, the
// first of which runs on caches that went cold while the thread waited on the worker. With the
// smaller of two runs and one reprobe call, a 1x1024x1024 key that runs in 11 us here stayed on a
// worker for half of a benchmark's calls (43 us each) in one run of three: two slow runs at
// benchmark.js's cycle boundaries sent it there, and the lone reprobes after worker calls then ran
// in 30-60 us.
//
// One table per thread: every call and completion of a Node environment runs on its JS thread, so
// nothing is shared. A slot holds one key: a colliding key is placed as unmeasured again.
// Results are exact either way: only where the call runs changes.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>

namespace ei8napi {

class AsyncPlacement {
 public:
  static constexpr uint64_t kInlineBudgetNs = 30000;
  static constexpr size_t kUnmeasuredInlineMacs = size_t(1) << 20;
  // Keys measured at or over this and larger than kUnmeasuredInlineMacs stay on workers.
  static constexpr uint64_t kReprobeBelowNs = 4 * kInlineBudgetNs;
  // A key on a worker is measured again after kReprobeEvery worker calls per budget of its
  // estimate: the reprobes hold the JS thread for at most about a quarter of the budget a call.
  static constexpr uint32_t kReprobeEvery = 16;

  // The shape is part of the key so that new weights at a freed one's address are placed by the
  // time of a call like their own.
  struct Key {
    const void* weights;
    const char* weights_kind;  // one string per kind of weights (packed, sparse, codebook)
    size_t m, k, n;
    int kind;  // int32, requantized, dequantized or f32 out
    bool operator==(const Key& o) const {
      return weights == o.weights && weights_kind == o.weights_kind && m == o.m && k == o.k && n == o.n &&
             kind == o.kind;
    }
  };

  // True if the call should run on the calling thread. A key over the budget runs inline again
  // now and then (two calls), so that slow runs (a first call on cold caches, a preemption) do not
  // send it to a worker for good; one far over it is reprobed only if the size rule would have run
  // it inline unmeasured.
  bool run_inline(const Key& key, size_t macs) {
    Slot& s = slots_[slot_of(key)];
    if (!s.used || !(s.key == key)) return macs <= kUnmeasuredInlineMacs;
    if (s.reprobe_calls_left > 0) {
      --s.reprobe_calls_left;
      return true;
    }
    const uint64_t estimate = std::min({s.runs_ns[0], s.runs_ns[1], s.runs_ns[2]});
    if (estimate < kInlineBudgetNs) return true;
    if (estimate >= kReprobeBelowNs && macs > kUnmeasuredInlineMacs) return false;
    if (++s.worker_calls < kReprobeEvery * (estimate / kInlineBudgetNs)) return false;
    s.worker_calls = 0;
    s.reprobe_calls_left = 1;
    return true;
  }

  // How long a call of this key ran on this thread.
  void record(const Key& key, uint64_t run_ns) {
    Slot& s = slots_[slot_of(key)];
    if (!s.used || !(s.key == key)) {
      s.key = key;
      s.runs_ns[1] = s.runs_ns[2] = run_ns;
      s.reprobe_calls_left = 0;
      s.used = true;
    } else {
      s.runs_ns[2] = s.runs_ns[1];
      s.runs_ns[1] = s.runs_ns[0];
    }
    s.runs_ns[0] = run_ns;
    s.worker_calls = 0;
  }

  // The calling thread's table.
  static AsyncPlacement& local() {
    static thread_local AsyncPlacement table;
    return table;
  }

 private:
  static constexpr unsigned kSlotBits = 8;
  static constexpr size_t kSlots = size_t(1) << kSlotBits;
  struct Slot {
    Key key{nullptr, nullptr, 0, 0, 0, 0};
    uint64_t runs_ns[3] = {0, 0, 0};  // the last three run times here, latest first
    uint64_t worker_calls = 0;        // since the last run on this thread
    uint32_t reprobe_calls_left = 0;  // calls still to run inline for a reprobe
    bool used = false;
  };
  static size_t slot_of(const Key& key) {
    uint64_t h = reinterpret_cast<uintptr_t>(key.weights) >> 4;
    for (const uint64_t v : {uint64_t(key.m), uint64_t(key.k), uint64_t(key.n), uint64_t(key.kind)})
      h = (h ^ v) * 0x9e3779b97f4a7c15ULL;
    return static_cast<size_t>(h >> (64 - kSlotBits));
  }
  Slot slots_[kSlots];
};

}  // namespace ei8napi
