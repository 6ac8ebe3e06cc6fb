// qs8 GEMM micro-kernel, tile 2x4c16, ARMv7 NEON (32-bit ARM, hard float): VMULL.S8 on both halves
// + VPADAL.S16 (one product per int16 lane: exact for every weight, including -128; 16 MACs per 4
// instructions). See gemm_c16.h.
// Reads the tiled (nr=4, kr=16) layout of pack/pack_layout.cc; A as int8.
// Must equal ref::matmul_i32 after the corrections of core/gemm.cc.
#include "kernels/neon/gemm_c16.h"
#include "kernels/neon/neon_kernels.h"

#if defined(__arm__)

namespace ei8 {
namespace neon {

void gemm_2x4c16__neon_mull(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d) {
  if (mr >= 2)
    c16::gemm<2, 4, false>(kc, a, a_stride, w, d);
  else
    c16::gemm<1, 4, false>(kc, a, a_stride, w, d);
}

}  // namespace neon
}  // namespace ei8

#endif
