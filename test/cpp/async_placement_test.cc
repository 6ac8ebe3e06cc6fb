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

TEST(measured_calls_are_placed_by_the_smaller_of_their_last_two_run_times) {
  AsyncPlacement p;
  const auto big = AsyncPlacement::kUnmeasuredInlineMacs * 4;
  const uint64_t budget = AsyncPlacement::kInlineBudgetNs, huge = 100 * budget;
  p.record(key(&weights_a), budget - 1);
  CHECK(p.run_inline(key(&weights_a), big));
  p.record(key(&weights_a), huge);  // one slow run does not move it
  CHECK(p.run_inline(key(&weights_a), big));
  p.record(key(&weights_a), huge);  // two do
  CHECK(!p.run_inline(key(&weights_a), 1));
  p.record(key(&weights_a), 100);  // one fast run brings it back
  CHECK(p.run_inline(key(&weights_a), big));
}

TEST(a_key_a_little_over_the_budget_is_measured_again_now_and_then) {
  AsyncPlacement p;
  const uint64_t budget = AsyncPlacement::kInlineBudgetNs;
  p.record(key(&weights_a), 2 * budget);
  int inline_runs = 0;
  for (uint32_t i = 0; i < 4 * AsyncPlacement::kReprobeEvery; ++i) inline_runs += p.run_inline(key(&weights_a), 1);
  CHECK_EQ(inline_runs, 4);
  p.record(key(&weights_b), AsyncPlacement::kReprobeBelowNs);  // far over: never again
  inline_runs = 0;
  for (uint32_t i = 0; i < 4 * AsyncPlacement::kReprobeEvery; ++i) inline_runs += p.run_inline(key(&weights_b), 1);
  CHECK_EQ(inline_runs, 0);
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
