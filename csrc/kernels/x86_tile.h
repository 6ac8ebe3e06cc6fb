// Pieces shared by the x86 GEMM micro-kernels of every vector width (no vector intrinsics here, so
// each ISA's file compiles them with its own flags).
#pragma once

#include <xmmintrin.h>

#include <cstddef>
#include <cstdint>

namespace ei8 {

// Kernel::run<R>(args...) with R = mr for 1 <= mr <= kMaxRows (kMaxRows for anything larger): one
// instantiation per row count, so that a short last tile (M = 16 is 6 + 6 + 4) issues only its
// own rows' loads and dot products.
template <int kMaxRows, class Kernel, typename... Args>
inline void run_tile_rows(size_t mr, Args... args) {
  if constexpr (kMaxRows > 1) {
    if (mr < size_t(kMaxRows)) return run_tile_rows<kMaxRows - 1, Kernel>(mr, args...);
  }
  Kernel::template run<kMaxRows>(args...);
}

// Spreads the prefetch of [pf, pf + bytes) into L2 over a kernel's k-steps, rounded up so that the
// slice is covered before the loop ends (the driver's slice of the next panel or k-chunk).
class SlicePrefetch {
 public:
  SlicePrefetch(const int8_t* pf, size_t bytes, size_t steps)
      : next_(reinterpret_cast<const char*>(pf)),
        end_(next_ + bytes),
        lines_(steps ? (bytes / 64 + steps - 1) / steps : 0) {}

  void step() {
    for (size_t l = 0; l < lines_ && next_ < end_; ++l, next_ += 64) _mm_prefetch(next_, _MM_HINT_T1);
  }

 private:
  const char* next_;
  const char* end_;
  size_t lines_;
};

}  // namespace ei8
