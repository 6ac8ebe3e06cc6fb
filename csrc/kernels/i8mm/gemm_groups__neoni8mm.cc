// Per-group weights with f32 output on the 4x16c8 SMMLA tile (kernels/neon/dequant_groups_neon.h),
// for every M (the i8mm path has no GEMV kernel).
#include "kernels/i8mm/i8mm_kernels.h"
#include "kernels/neon/dequant_groups_neon.h"

namespace ei8 {
namespace i8mm {

void gemm_4x16c8_dequant_groups__neoni8mm(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                          const GroupDequantTerms& t, float* y) {
  neon_dequant_groups<gemm_4x16c8__neoni8mm, 4, 16>(mr, a, a_stride, w, t, y);
}

}  // namespace i8mm
}  // namespace ei8
