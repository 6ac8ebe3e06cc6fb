// The Node binding's placement of async calls (csrc/napi/async_placement.h): unmeasured calls by
// their multiply-adds, measured ones by their last run time on the JS thread, every field of the
// key told apart, and tables of different threads independent.
#include <thread>

#include "check.h"
#include "napi/async_placement.h"

namespace {

using ei8napi::AsyncPlacement;

const char kPacked[] = "packed";
const char kSparse[] = "sparse";
int weights_a, weights_b;  // stand-ins for two weights objects' addresses

AsyncPlacement::Key key(const void* w, size_t m = 1, size_t k = 1024, size_t n = 1024, int kind = 0,
                        const char* weights_kind = kPacked) {
  return {w, weights_kind, m, k, n, kind};
}

}  // namespace

TEST(unmeasured_calls_are_placed_by_their_multiply_adds) {
  AsyncPlacement p;
  CHECK(p.run_inline(key(&weights_a), AsyncPlacement::kUnmeasuredInlineMacs));
  CHECK(!p.run_inline(key(&weights_a), AsyncPlacement::kUnmeasuredInlineMacs + 1));
  CHECK(p.run_inline(key(&weights_a), 0));
}

TEST(measured_calls_are_placed_by_the_smallest_of_their_last_three_run_times) {
  AsyncPlacement p;
  const auto big = AsyncPlacement::kUnmeasuredInlineMacs * 4;
  const uint64_t budget = AsyncPlacement::kInlineBudgetNs, huge = 100 * budget;
  p.record(key(&weights_a), budget - 1);
  CHECK(p.run_inline(key(&weights_a), big));
  p.record(key(&weights_a), huge);  // two slow runs do not move it
  p.record(key(&weights_a), huge);
  CHECK(p.run_inline(key(&weights_a), big));
  p.record(key(&weights_a), huge);  // three do
  CHECK(!p.run_inline(key(&weights_a), big));
  p.record(key(&weights_a), 100);  // one fast run brings it back
  CHECK(p.run_inline(key(&weights_a), big));
}

// The calls of a key placed by run time, as the binding makes them: inline ones record their time.
int inline_calls(AsyncPlacement& p, const AsyncPlacement::Key& k, size_t macs, int calls, uint64_t run_ns) {
  int n = 0;
  for (int i = 0; i < calls; ++i) {
    if (!p.run_inline(k, macs)) continue;
    ++n;
    p.record(k, run_ns);
  }
  return n;
}

TEST(a_key_over_the_budget_is_measured_again_by_two_calls_in_a_row) {
  AsyncPlacement p;
  const uint64_t budget = AsyncPlacement::kInlineBudgetNs;
  const auto k = key(&weights_a);
  p.record(k, 2 * budget);
  int calls = 0;
  while (!p.run_inline(k, 1)) ++calls;
  CHECK_EQ(calls, static_cast<int>(AsyncPlacement::kReprobeEvery) * 2 - 1);  // every 16 calls a budget
  p.record(k, 3 * budget);  // the first call of a reprobe, on cold caches
  CHECK(p.run_inline(k, 1));  // runs the second
  p.record(k, budget / 3);  // fast: the key is back on this thread
  CHECK_EQ(inline_calls(p, k, 1, 100, budget / 3), 100);
}

TEST(reprobes_hold_the_thread_a_bounded_share_of_the_budget) {
  const uint64_t budget = AsyncPlacement::kInlineBudgetNs;
  for (const uint64_t run : {budget, 3 * budget / 2, 4 * budget, 40 * budget}) {
    AsyncPlacement p;
    const auto k = key(&weights_a);
    p.record(k, run);
    const int calls = 100000;
    const int runs = inline_calls(p, k, 1, calls, run);  // small: reprobed however slow
    CHECK(runs >= 2);
    CHECK(static_cast<double>(runs) * static_cast<double>(run) <= calls * budget / 4.0);
  }
}

TEST(a_large_key_far_over_the_budget_stays_on_workers) {
  AsyncPlacement p;
  const auto big = AsyncPlacement::kUnmeasuredInlineMacs + 1;
  p.record(key(&weights_b), AsyncPlacement::kReprobeBelowNs);
  CHECK_EQ(inline_calls(p, key(&weights_b), big, 10000, AsyncPlacement::kReprobeBelowNs), 0);
  p.record(key(&weights_a), AsyncPlacement::kReprobeBelowNs - 1);  // a little less: reprobed
  CHECK(inline_calls(p, key(&weights_a), big, 10000, AsyncPlacement::kReprobeBelowNs - 1) > 0);
}

TEST(every_field_of_the_key_is_told_apart) {
  AsyncPlacement p;
  const auto big = AsyncPlacement::kUnmeasuredInlineMacs * 4;
  p.record(key(&weights_a), 100);
  CHECK(p.run_inline(key(&weights_a), big));
  CHECK(!p.run_inline(key(&weights_b), big));
  CHECK(!p.run_inline(key(&weights_a, 2), big));
  CHECK(!p.run_inline(key(&weights_a, 1, 2048), big));
  CHECK(!p.run_inline(key(&weights_a, 1, 1024, 2048), big));
  CHECK(!p.run_inline(key(&weights_a, 1, 1024, 1024, 1), big));
  CHECK(!p.run_inline(key(&weights_a, 1, 1024, 1024, 0, kSparse), big));
}

TEST(many_keys_each_keep_their_own_time_or_fall_back_to_multiply_adds) {
  AsyncPlacement p;
  const auto big = AsyncPlacement::kUnmeasuredInlineMacs * 4;
  // More keys than slots: each is then either its own (inline, as recorded) or placed as unmeasured.
  for (size_t m = 1; m <= 4000; ++m) p.record(key(&weights_a, m), 100);
  size_t own = 0;
  for (size_t m = 1; m <= 4000; ++m) own += p.run_inline(key(&weights_a, m), big);
  CHECK(own > 0);
  CHECK(own < 4000);
  p.record(key(&weights_b, 7), 10 * AsyncPlacement::kInlineBudgetNs);
  CHECK(!p.run_inline(key(&weights_b, 7), 1));  // a recorded slow call is never taken for a fast one
}

TEST(each_thread_has_its_own_table) {
  AsyncPlacement::local().record(key(&weights_a, 3), 100);
  bool other_sees_it = true;
  std::thread([&] {
    other_sees_it = AsyncPlacement::local().run_inline(key(&weights_a, 3), AsyncPlacement::kUnmeasuredInlineMacs + 1);
  }).join();
  CHECK(!other_sees_it);
  CHECK(AsyncPlacement::local().run_inline(key(&weights_a, 3), AsyncPlacement::kUnmeasuredInlineMacs + 1));
}

TEST_MAIN()
