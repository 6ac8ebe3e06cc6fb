// Pieces shared by the x86 GEMM micro-kernels of every vector width. Each ISA's file compiles them
// with its own flags, so they have internal linkage: an inline function with external linkage
// could be merged by the linker into the copy built for a wider ISA (and fault on a narrower CPU).
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ei8 {
namespace {

#if defined(__AVX2__)
// 4 bytes of A (one k-quad) in every 32-bit lane of a ymm register.
inline __m256i broadcast_a_ymm(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return _mm256_set1_epi32(v);
}
#endif

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

}  // namespace
}  // namespace ei8

// Defines name, name##_prefetch and name##_accumulate (the GemmUkernel, run_prefetch and
// run_accumulate of kernel_table.h) over the file's Tile<kPrefetch, kAccumulate>::run<kRows>.
#define EI8_DEFINE_TILE_KERNELS(name, max_rows)                                                           \
  void name(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d) {      \
    run_tile_rows<max_rows, Tile<false, false>>(mr, kc, a, a_stride, w, d, nullptr, 0);                   \
  }                                                                                                       \
  void name##_prefetch(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d, \
                       const int8_t* pf, size_t pf_bytes) {                                               \
    run_tile_rows<max_rows, Tile<true, false>>(mr, kc, a, a_stride, w, d, pf, pf_bytes);                  \
  }                                                                                                       \
  void name##_accumulate(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w,        \
                         int32_t* d, const int8_t* pf, size_t pf_bytes) {                                 \
    run_tile_rows<max_rows, Tile<true, true>>(mr, kc, a, a_stride, w, d, pf, pf_bytes);                   \
  }
