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

// y[r] += fl32(total - za[r] * colsum_g) * fl32(sa[r] * sb_g) for the 4 columns (wrapping int32,
// then ref::dequant_term: SCVTF, FMUL, FMUL, FADD, never fused, as -ffp-contract=off compiles it).
inline void dequant_group(int32x4_t total, size_t r, size_t g, const DequantParams& p) {
  const uint32x4_t colsum = vreinterpretq_u32_s32(vld1q_s32(p.colsum + g * p.stride));
  const uint32x4_t za_colsum = vmulq_n_u32(colsum, static_cast<uint32_t>(p.za[r]));
  const int32x4_t corrected = vreinterpretq_s32_u32(vsubq_u32(vreinterpretq_u32_s32(total), za_colsum));
  const float32x4_t mult = vmulq_n_f32(vld1q_f32(p.sb + g * p.stride), p.sa[r]);
  vst1q_f32(p.y + r * 4, vaddq_f32(vld1q_f32(p.y + r * 4), vmulq_f32(vcvtq_f32_s32(corrected), mult)));
}

// acc + the 16 products w[i] * a[i], pairwise in int32 lanes.
inline int32x4_t dot16(int32x4_t acc, int8x16_t w, int8x16_t a) {
  acc = vpadalq_s16(acc, vmull_s8(vget_low_s8(w), vget_low_s8(a)));
  return vpadalq_s16(acc, vmull_high_s8(w, a));
}

// MR rows, U accumulators per row and column. With DEQ the group sums go through the float epilogue
// (DequantParams) here; otherwise they are stored to acc.
template <size_t MR, size_t U, bool DEQ>
void gemm(const Groups& groups, const uint8_t* a, size_t a_stride, const uint8_t* w, const int8_t* tables, int32_t* acc,
          const DequantParams* p) {
  const uint8x16_t nibble = vdupq_n_u8(0x0f);
  for (size_t g = 0; g < groups.count; ++g, tables += 64, acc += DEQ ? 0 : MR * 4) {
    int8x16_t table[4];
    for (size_t c = 0; c < 4; ++c) table[c] = vld1q_s8(tables + 16 * c);
    int32x4_t sum[MR][4][U];
    for (size_t r = 0; r < MR; ++r)
      for (size_t c = 0; c < 4; ++c)
        for (size_t u = 0; u < U; ++u) sum[r][c][u] = vdupq_n_s32(0);
    for (size_t b = 0; b < groups.blocks(g); ++b, w += 64, a += 32) {
      for (size_t h = 0; h < 2; ++h) {  // k 0..15 (low nibbles), then k 16..31 (high nibbles)
        int8x16_t va[MR];
        for (size_t r = 0; r < MR; ++r) va[r] = vld1q_s8(reinterpret_cast<const int8_t*>(a + r * a_stride + 16 * h));
        for (size_t c = 0; c < 4; ++c) {
          const uint8x16_t idx = vld1q_u8(w + 16 * c);
          const int8x16_t wv = vqtbl1q_s8(table[c], h == 0 ? vandq_u8(idx, nibble) : vshrq_n_u8(idx, 4));
          for (size_t r = 0; r < MR; ++r) sum[r][c][h % U] = dot16(sum[r][c][h % U], wv, va[r]);
        }
      }
    }
    for (size_t r = 0; r < MR; ++r) {
      int32x4_t s[4];
      for (size_t c = 0; c < 4; ++c) s[c] = U == 2 ? vaddq_s32(sum[r][c][0], sum[r][c][U - 1]) : sum[r][c][0];
      const int32x4_t total = vpaddq_s32(vpaddq_s32(s[0], s[1]), vpaddq_s32(s[2], s[3]));
      if (DEQ)
        dequant_group(total, r, g, *p);
      else
        vst1q_s32(acc + r * 4, total);
    }
  }
}

template <bool DEQ>
void dispatch_rows(size_t mr, const Groups& groups, const uint8_t* a, size_t a_stride, const uint8_t* w, const int8_t* tables,
                   int32_t* acc, const DequantParams* p) {
  switch (mr) {
    case 1: gemm<1, 2, DEQ>(groups, a, a_stride, w, tables, acc, p); break;
    case 2: gemm<2, 1, DEQ>(groups, a, a_stride, w, tables, acc, p); break;
    case 3: gemm<3, 1, DEQ>(groups, a, a_stride, w, tables, acc, p); break;
    default: gemm<4, 1, DEQ>(groups, a, a_stride, w, tables, acc, p); break;
  }
}

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
