// 4-bit codebook GEMM micro-kernel, tile 4x4c32, AArch64 NEON (ARMv8.0: every arm64 CPU).
// Reads the packed codebook layout of ref/codebook_ref.h; A as int8, AForm::S8.
// Must equal ref::codebook_matmul_* after the driver's epilogues (kernels/codebook_lut.cc, which
// subtracts za' * colsum).
//
// A block of a panel holds, per column, 16 index bytes: k 0..15 in the low nibbles, k 16..31 in
// the high ones. AND 0x0f (or USHR #4) and one TBL (vqtbl1q_s8) into the column's 16 centroids
// decode 16 int8 weights. SMULL / SMULL2 multiply them by 16 bytes of a row, one product per int16
// lane (|a * w| <= 16384: exact for every input, including -128 * -128), and SADALP adds the lane
// pairs into int32. One accumulator per row and column (16 for 4 rows); the decoding is shared by
// the rows, and ADDP reduces the lanes once per group. One row (M = 1) keeps separate accumulators
// for k 0..15 and k 16..31 (twice as many independent SADALP chains). The f32 variant applies the
// float epilogue itself, with the reference's operations in the reference's order.
// The neon library is also built for 32-bit ARM, which has no TBL on 16-byte tables (vqtbl1q):
// AArch64 only; ARMv7 runs the portable kernel.
#if defined(__aarch64__)

#include <arm_neon.h>

#include "kernels/codebook_lut.h"

// GCC's first scheduling pass hoists every look-up of a block above the multiplies and runs out of
// vector registers (a table reloaded from the stack); the source order needs fewer.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-schedule-insns")
#endif

namespace ei8 {
namespace lut {
namespace {

// acc + the 16 products w[i] * a[i], pairwise in int32 lanes.
inline int32x4_t dot16(int32x4_t acc, int8x16_t w, int8x16_t a) {
  acc = vpadalq_s16(acc, vmull_s8(vget_low_s8(w), vget_low_s8(a)));
  return vpadalq_s16(acc, vmull_high_s8(w, a));
}

#include "kernels/lut4_gemm_4x4c32_arm.inc"

void lut4_gemm_4x4c32__neon(size_t mr, const Groups& groups, const uint8_t* a, size_t a_stride, const uint8_t* w,
                            const int8_t* tables, int32_t* acc) {
  dispatch_rows<false>(mr, groups, a, a_stride, w, tables, acc, nullptr);
}

void lut4_gemm_f32_4x4c32__neon(size_t mr, const Groups& groups, const uint8_t* a, size_t a_stride, const uint8_t* w,
                                const int8_t* tables, const DequantParams& p) {
  dispatch_rows<true>(mr, groups, a, a_stride, w, tables, nullptr, &p);
}

// As the dense neon path (kernels/paths_arm.cc).
bool supported(const CpuFeatures& f) { return f.neon; }

}  // namespace

const LutKernel kLut4Neon = {"lut4_gemm_4x4c32__neon", "neon", lut4_gemm_4x4c32__neon, 4, AForm::S8,
                            lut4_gemm_f32_4x4c32__neon, supported};

}  // namespace lut
}  // namespace ei8

#endif  // __aarch64__
