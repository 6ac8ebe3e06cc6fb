// The unit the cores exchange. What one thread writes during a call and another reads goes on
// lines of its own, apart from what either writes for itself: a line that moves between the two
// cores of the benchmark machine costs 0.2-0.25 us (a round trip about 0.47 us), and a call that
// moved a few each way paid it several times over.
#pragma once

#include <cstddef>

namespace ei8 {

constexpr size_t kCacheLine = 64;

}  // namespace ei8
