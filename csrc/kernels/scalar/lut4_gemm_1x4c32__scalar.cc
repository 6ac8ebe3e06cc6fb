// 4-bit codebook GEMM micro-kernel, tile 1x4c32, portable C++ (no intrinsics).
// Reads the packed codebook layout of ref/codebook_ref.h; A as int16 (a - za), AForm::S16.
// Must equal ref::codebook_matmul_* after the driver's epilogues (kernels/codebook_lut.cc).
#include "kernels/codebook_lut.h"

namespace ei8 {
namespace lut {

static void lut4_gemm_1x4c32__scalar(size_t mr, const Groups& groups, const uint8_t* a, size_t a_stride, const uint8_t* w,
                                     const int8_t* tables, int32_t* acc) {
  (void)mr;  // one row per call
  (void)a_stride;
  const int16_t* a0 = reinterpret_cast<const int16_t*>(a);
  for (size_t g = 0; g < groups.count; ++g, tables += 64) {
    uint32_t sum[4] = {0, 0, 0, 0};
    for (size_t b = 0; b < groups.blocks(g); ++b, w += 64, a0 += 32) {
      for (size_t c = 0; c < 4; ++c) {
        const uint8_t* idx = w + c * 16;
        const int8_t* table = tables + c * 16;
        int32_t s = 0;  // at most 32 * 255 * 128 in magnitude
        for (size_t j = 0; j < 16; ++j) {
          s += a0[j] * table[idx[j] & 0x0f];
          s += a0[16 + j] * table[idx[j] >> 4];
        }
        sum[c] += static_cast<uint32_t>(s);
      }
    }
    for (size_t c = 0; c < 4; ++c) acc[g * 4 + c] = static_cast<int32_t>(sum[c]);
  }
}

static bool always(const CpuFeatures&) { return true; }

const LutKernel kLut4Scalar = {"lut4_gemm_1x4c32__scalar", "scalar", lut4_gemm_1x4c32__scalar, 1, AForm::S16, nullptr,
                               always};

}  // namespace lut
}  // namespace ei8
