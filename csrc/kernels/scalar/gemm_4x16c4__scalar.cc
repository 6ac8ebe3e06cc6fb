// qs8 GEMM micro-kernel, tile 4x16c4, portable C++ (no intrinsics).
// Reads the tiled (nr=16, kr=4) layout of pack/pack_layout.cc; A as int8.
// Must equal ref::matmul_i32 after the corrections of core/gemm.cc.
#include <cstdint>
#include <cstring>

#include "kernels/scalar/scalar_kernels.h"

namespace ei8 {
namespace scalar {

void gemm_4x16c4(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d) {
  uint32_t acc[4][16];
  std::memset(acc, 0, sizeof(acc));
  for (size_t kb = 0; kb < kc; kb += 4, w += 64) {
    for (size_t i = 0; i < mr; ++i) {
      const int8_t* ai = reinterpret_cast<const int8_t*>(a + i * a_stride + kb);
      for (size_t j = 0; j < 16; ++j) {
        int32_t s = 0;
        for (size_t r = 0; r < 4; ++r) s += static_cast<int32_t>(ai[r]) * w[j * 4 + r];
        acc[i][j] += static_cast<uint32_t>(s);
      }
    }
  }
  for (size_t i = 0; i < mr; ++i)
    for (size_t j = 0; j < 16; ++j) d[i * 16 + j] = static_cast<int32_t>(acc[i][j]);
}

}  // namespace scalar
}  // namespace ei8
