// Where an async matmul call runs: on the calling (JS) thread, returning a settled promise, or on a
// libuv worker. A worker's round trip alone costs about 30 us from issue to result on the 2-core VM
// this was measured on, and issuing it holds the JS thread 3-18 us (docs/benchmarks.md, "Async
// calls"). A call that runs in less than that trip (kInlineBudgetNs) runs on the calling thread: its
// result comes sooner than a worker's could, and it holds the JS thread no longer than the trip.
//
// How long a call runs depends on the CPU, the path and where its weights sit in the caches, so the
// placement learns it: each async call's run time (on whichever thread ran it) is kept for its
// weights, shape and output kind, and the next such call runs where that time says. Until a call of
// that key has run, the multiply-add count decides (calls of fewer than kInlineMacs run inline).
//
// One table per thread: every call and completion of a Node environment runs on its JS thread, so
// nothing is shared. A slot holds one key: a colliding key is placed by the multiply-adds again.
// Results are exact either way: only where the call runs changes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>

namespace ei8napi {

class AsyncPlacement {
 public:
  static constexpr uint64_t kInlineBudgetNs = 30000;
  static constexpr size_t kInlineMacs = size_t(1) << 18;

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

  // True if the call should run on the calling thread.
  bool run_inline(const Key& key, size_t macs) const {
    const Slot& s = slots_[slot_of(key)];
    if (s.used && s.key == key) return s.run_ns < kInlineBudgetNs;
    return macs < kInlineMacs;
  }

  // The run time of a call of this key (the kernel's run, not the trip to a worker).
  void record(const Key& key, uint64_t run_ns) {
    Slot& s = slots_[slot_of(key)];
    s.key = key;
    s.run_ns = run_ns;
    s.used = true;
  }

  // The calling thread's table.
  static AsyncPlacement& local() {
    static thread_local AsyncPlacement table;
    return table;
  }

 private:
  static constexpr unsigned kSlotBits = 6;
  static constexpr size_t kSlots = size_t(1) << kSlotBits;
  struct Slot {
    Key key{nullptr, nullptr, 0, 0, 0, 0};
    uint64_t run_ns = 0;
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
