// Per-group weights with f32 output on the AVX-VNNI tiles (kernels/avx2/dequant_groups_avx2.h):
// the 6x16 GEMM tile and the 2x16 GEMV, A as uint8 in the Plain layout. The f32 sums live in L1:
// the GEMM tile's 12 accumulators leave no room for them in the 16 ymm registers. One-row GEMVs
// run every group in one pass without storing its products (gemv_1x16c4_dequant_groups_row).
#include "kernels/avx2/dequant_groups_avx2.h"
#include "kernels/avxvnni/avxvnni_kernels.h"

namespace ei8 {
namespace EI8_AVXVNNI_NS {

void gemm_6x16c4_dequant_groups(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                const GroupDequantTerms& t, float* y) {
  ymm_dequant_groups<gemm_6x16c4, 6, 1>(mr, a, a_stride, w, t, y);
}

void gemv_2x16c4_dequant_groups(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                const GroupDequantTerms& t, float* y) {
  if (mr == 1) return gemv_1x16c4_dequant_groups_row(a, w, t, y);
  ymm_dequant_groups<gemv_2x16c4, 2, 1>(mr, a, a_stride, w, t, y);
}

}  // namespace EI8_AVXVNNI_NS
}  // namespace ei8
