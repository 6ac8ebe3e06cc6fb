// Per-group weights with f32 output on the AVX2 GEMM tiles (kernels/avx2/dequant_groups_avx2.h):
// narrow weights for M > 1 (their GEMVs take gemv_1x16c4_dequant_groups), weights with -128 for
// every M. The f32 sums live in L1: the 4x16 tile's 8 accumulators and 8 ymm of sums would take
// all 16 registers. That replaces a correction pass and a dequantizing pass per group, each
// through memory.
#include "kernels/avx2/avx2_kernels.h"
#include "kernels/avx2/dequant_groups_avx2.h"

namespace ei8 {
namespace avx2 {

void gemm_4x16c4_dequant_groups(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                const GroupDequantTerms& t, float* y) {
  ymm_dequant_groups<gemm_4x16c4, 4, 2>(mr, a, a_stride, w, t, y);
}

void gemm_2x16c4_widen_dequant_groups(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                      const GroupDequantTerms& t, float* y) {
  ymm_dequant_groups<gemm_2x16c4_widen, 2, 1>(mr, a, a_stride, w, t, y);
}

}  // namespace avx2
}  // namespace ei8
