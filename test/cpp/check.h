// A tiny test harness: CHECK counts, prints failures, and main() ends with "N passed, N failed".
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace check {

struct Registry {
  std::vector<std::pair<std::string, std::function<void()>>> tests;
  long passed = 0, failed = 0;
  static Registry& get() {
    static Registry r;
    return r;
  }
};

inline void record(bool ok, const char* file, int line, const std::string& what) {
  Registry& r = Registry::get();
  if (ok) {
    ++r.passed;
  } else {
    ++r.failed;
    if (r.failed <= 50) std::fprintf(stderr, "FAIL %s:%d: %s\n", file, line, what.c_str());
  }
}

struct Add {
  Add(const char* name, std::function<void()> f) { Registry::get().tests.emplace_back(name, std::move(f)); }
};

inline int run_all() {
  Registry& r = Registry::get();
  for (auto& t : r.tests) {
    const long before = r.failed;
    const auto start = std::chrono::steady_clock::now();
    t.second();
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::printf("%s %s (%.0f ms)\n", r.failed == before ? "ok  " : "FAIL", t.first.c_str(), ms);
  }
  std::printf("%ld passed, %ld failed\n", r.passed, r.failed);
  return r.failed == 0 ? 0 : 1;
}

}  // namespace check

#define TEST(name)                                   \
  static void test_##name();                         \
  static check::Add add_##name(#name, test_##name);  \
  static void test_##name()

#define CHECK(cond) check::record((cond), __FILE__, __LINE__, #cond)
#define CHECK_EQ(a, b)                                                                            \
  do {                                                                                            \
    const auto va_ = (a);                                                                         \
    const auto vb_ = (b);                                                                         \
    check::record(va_ == vb_, __FILE__, __LINE__,                                                 \
                  std::string(#a " == " #b ": ") + std::to_string(va_) + " vs " + std::to_string(vb_)); \
  } while (0)

#define TEST_MAIN() \
  int main() { return check::run_all(); }
