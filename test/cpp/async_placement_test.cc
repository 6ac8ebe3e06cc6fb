// The Node binding's placement of async calls (csrc/napi/async_placement.h): unmeasured calls by
// their multiply-adds, measured ones by their last run time, every field of the key told apart, and
// tables of different threads independent.
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
  CHECK(p.run_inline(key(&weights_a), AsyncPlacement::kInlineMacs - 1));
  CHECK(!p.run_inline(key(&weights_a), AsyncPlacement::kInlineMacs));
  CHECK(p.run_inline(key(&weights_a), 0));
}

TEST(measured_calls_are_placed_by_their_last_run_time) {
  AsyncPlacement p;
  const auto big = AsyncPlacement::kInlineMacs * 4;
  p.record(key(&weights_a), AsyncPlacement::kInlineBudgetNs - 1);
  CHECK(p.run_inline(key(&weights_a), big));
  p.record(key(&weights_a), AsyncPlacement::kInlineBudgetNs);
  CHECK(!p.run_inline(key(&weights_a), 1));
  p.record(key(&weights_a), 100);  // the newest time wins
  CHECK(p.run_inline(key(&weights_a), big));
}

TEST(every_field_of_the_key_is_told_apart) {
  AsyncPlacement p;
  const auto big = AsyncPlacement::kInlineMacs * 4;
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
  const auto big = AsyncPlacement::kInlineMacs * 4;
  // More keys than slots: each is then either its own (inline, as recorded) or placed as unmeasured.
  for (size_t m = 1; m <= 1000; ++m) p.record(key(&weights_a, m), 100);
  size_t own = 0;
  for (size_t m = 1; m <= 1000; ++m) own += p.run_inline(key(&weights_a, m), big);
  CHECK(own > 0);
  CHECK(own < 1000);
  p.record(key(&weights_b, 7), 10 * AsyncPlacement::kInlineBudgetNs);
  CHECK(!p.run_inline(key(&weights_b, 7), 1));  // a recorded slow call is never taken for a fast one
}

TEST(each_thread_has_its_own_table) {
  AsyncPlacement::local().record(key(&weights_a, 3), 100);
  bool other_sees_it = true;
  std::thread([&] {
    other_sees_it = AsyncPlacement::local().run_inline(key(&weights_a, 3), AsyncPlacement::kInlineMacs);
  }).join();
  CHECK(!other_sees_it);
  CHECK(AsyncPlacement::local().run_inline(key(&weights_a, 3), AsyncPlacement::kInlineMacs));
}

TEST_MAIN()
