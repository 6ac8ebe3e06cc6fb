// The unit the cores exchange. What one thread writes during a call and another reads goes on
// lines of its own, apart from what either writes for itself: a line's round trip between the two
// cores of the benchmark machine takes 0.43-0.48 us (bench/native/pool_handoff.cc). Measured at the
// API, the layout that follows this (1bea4fe) gained nothing beyond the noise (docs/sparse-log.md).
#pragma once

#include <cstddef>

namespace ei8 {

constexpr size_t kCacheLine = 64;

}  // namespace ei8
