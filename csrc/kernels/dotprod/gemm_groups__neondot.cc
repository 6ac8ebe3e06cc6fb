// Per-group weights with f32 output on the 4x16c4 SDOT tile (kernels/neon/dequant_groups_neon.h),
// for M > 1 (GEMVs take gemv_1x16c4_dequant_groups__neondot).
#include "kernels/dotprod/dotprod_kernels.h"
#include "kernels/neon/dequant_groups_neon.h"

namespace ei8 {
namespace dotprod {

void gemm_4x16c4_dequant_groups__neondot(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                         const GroupDequantTerms& t, float* y) {
  neon_dequant_groups<gemm_4x16c4__neondot, 4, 16>(mr, a, a_stride, w, t, y);
}

}  // namespace dotprod
}  // namespace ei8
