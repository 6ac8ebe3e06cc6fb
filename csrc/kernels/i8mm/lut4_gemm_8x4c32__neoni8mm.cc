// 4-bit codebook GEMM micro-kernel, tile 8x4c32, AArch64 SMMLA (FEAT_I8MM). Compiled with the i8mm
// flags only. Reads the packed codebook layout of ref/codebook_ref.h; A as int8 row pairs
// interleaved every 8 k, AForm::S8X2. Must equal ref::codebook_matmul_* after the driver's
// epilogues (kernels/codebook_lut.cc, which subtracts za' * colsum).
//
// Per block of 32 k, each column's 16 index bytes are split into nibbles (AND 0x0f, USHR #4) and
// decoded by TBL (vqtbl1q_s8) into its 16 centroids: 32 int8 weights. ZIP1/ZIP2 of the 64-bit
// halves of two columns give SMMLA's 8x2 operand (columns c, c+1 at 8 consecutive k); the prepared
// A gives its 2x8 operand (rows 2p, 2p+1) with one load. SMMLA adds the 2x2 block of products
// [r0c0 r0c1 r1c0 r1c1] into int32 lanes, 32 MACs per instruction (int8 x int8 into int32: exact
// for every input, wrapping like the reference). 8 accumulators (4 row pairs x 2 column pairs);
// the decoding is shared by the 8 rows. ZIP1/ZIP2 of a row pair's two accumulators give its rows'
// 4 column sums at the end of each group. With an odd row count the last pair's second row is zero
// (the driver's padding). One row alone would waste half of every SMMLA: the driver runs M = 1 on
// the dotprod kernel instead. The f32 variant applies the float epilogue itself, with the
// reference's operations in the reference's order.
#include <arm_neon.h>

#include "kernels/codebook_lut.h"

namespace ei8 {
namespace lut {
namespace {

inline int8x16_t zip1_64(int8x16_t x, int8x16_t y) {
  return vreinterpretq_s8_s64(vzip1q_s64(vreinterpretq_s64_s8(x), vreinterpretq_s64_s8(y)));
}
inline int8x16_t zip2_64(int8x16_t x, int8x16_t y) {
  return vreinterpretq_s8_s64(vzip2q_s64(vreinterpretq_s64_s8(x), vreinterpretq_s64_s8(y)));
}

// y[r] += fl32(total - za[r] * colsum_g) * fl32(sa[r] * sb_g) for the 4 columns (wrapping int32,
// then ref::dequant_term: SCVTF, FMUL, FMUL, FADD, never fused, as -ffp-contract=off compiles it).
inline void dequant_group(int32x4_t total, size_t r, size_t g, const DequantParams& p) {
  const uint32x4_t colsum = vreinterpretq_u32_s32(vld1q_s32(p.colsum + g * p.stride));
  const uint32x4_t za_colsum = vmulq_n_u32(colsum, static_cast<uint32_t>(p.za[r]));
  const int32x4_t corrected = vreinterpretq_s32_u32(vsubq_u32(vreinterpretq_u32_s32(total), za_colsum));
  const float32x4_t mult = vmulq_n_f32(vld1q_f32(p.sb + g * p.stride), p.sa[r]);
  vst1q_f32(p.y + r * 4, vaddq_f32(vld1q_f32(p.y + r * 4), vmulq_f32(vcvtq_f32_s32(corrected), mult)));
}

// The 4 column sums of row r of group g: to acc, or (DEQ) through the float epilogue.
template <bool DEQ>
inline void finish(int32x4_t total, size_t r, size_t g, int32_t* acc, const DequantParams* p) {
  if (DEQ)
    dequant_group(total, r, g, *p);
  else
    vst1q_s32(acc + r * 4, total);
}

template <size_t MR, bool DEQ>
void gemm(const Groups& groups, const uint8_t* a, size_t a_stride, const uint8_t* w, const int8_t* tables, int32_t* acc,
          const DequantParams* p) {
  constexpr size_t P = (MR + 1) / 2;  // row pairs
  const uint8x16_t nibble = vdupq_n_u8(0x0f);
  for (size_t g = 0; g < groups.count; ++g, tables += 64, acc += DEQ ? 0 : MR * 4) {
    int8x16_t table[4];
    for (size_t c = 0; c < 4; ++c) table[c] = vld1q_s8(tables + 16 * c);
    int32x4_t sum[P][2];
    for (size_t i = 0; i < P; ++i) sum[i][0] = sum[i][1] = vdupq_n_s32(0);
    for (size_t b = 0; b < groups.blocks(g); ++b, w += 64, a += 64) {
      int8x16_t wb[2][4];  // columns 2q, 2q + 1 at k 8j .. 8j + 7
      for (size_t q = 0; q < 2; ++q) {
        const uint8x16_t i0 = vld1q_u8(w + 32 * q), i1 = vld1q_u8(w + 32 * q + 16);
        const int8x16_t lo0 = vqtbl1q_s8(table[2 * q], vandq_u8(i0, nibble));
        const int8x16_t lo1 = vqtbl1q_s8(table[2 * q + 1], vandq_u8(i1, nibble));
        const int8x16_t hi0 = vqtbl1q_s8(table[2 * q], vshrq_n_u8(i0, 4));
        const int8x16_t hi1 = vqtbl1q_s8(table[2 * q + 1], vshrq_n_u8(i1, 4));
        wb[q][0] = zip1_64(lo0, lo1);
        wb[q][1] = zip2_64(lo0, lo1);
        wb[q][2] = zip1_64(hi0, hi1);
        wb[q][3] = zip2_64(hi0, hi1);
      }
      for (size_t i = 0; i < P; ++i) {
        const int8_t* ap = reinterpret_cast<const int8_t*>(a + 2 * i * a_stride);
        for (size_t j = 0; j < 4; ++j) {
          const int8x16_t va = vld1q_s8(ap + 16 * j);
          sum[i][0] = vmmlaq_s32(sum[i][0], va, wb[0][j]);
          sum[i][1] = vmmlaq_s32(sum[i][1], va, wb[1][j]);
        }
      }
    }
    for (size_t i = 0; i < P; ++i) {
      const int64x2_t s0 = vreinterpretq_s64_s32(sum[i][0]), s1 = vreinterpretq_s64_s32(sum[i][1]);
      finish<DEQ>(vreinterpretq_s32_s64(vzip1q_s64(s0, s1)), 2 * i, g, acc, p);
      if (2 * i + 1 < MR) finish<DEQ>(vreinterpretq_s32_s64(vzip2q_s64(s0, s1)), 2 * i + 1, g, acc, p);
    }
  }
}

template <bool DEQ>
void dispatch_rows(size_t mr, const Groups& groups, const uint8_t* a, size_t a_stride, const uint8_t* w, const int8_t* tables,
                   int32_t* acc, const DequantParams* p) {
  switch (mr) {
    case 1: gemm<1, DEQ>(groups, a, a_stride, w, tables, acc, p); break;
    case 2: gemm<2, DEQ>(groups, a, a_stride, w, tables, acc, p); break;
    case 3: gemm<3, DEQ>(groups, a, a_stride, w, tables, acc, p); break;
    case 4: gemm<4, DEQ>(groups, a, a_stride, w, tables, acc, p); break;
    case 5: gemm<5, DEQ>(groups, a, a_stride, w, tables, acc, p); break;
    case 6: gemm<6, DEQ>(groups, a, a_stride, w, tables, acc, p); break;
    case 7: gemm<7, DEQ>(groups, a, a_stride, w, tables, acc, p); break;
    default: gemm<8, DEQ>(groups, a, a_stride, w, tables, acc, p); break;
  }
}

void lut4_gemm_8x4c32__neoni8mm(size_t mr, const Groups& groups, const uint8_t* a, size_t a_stride, const uint8_t* w,
                                const int8_t* tables, int32_t* acc) {
  dispatch_rows<false>(mr, groups, a, a_stride, w, tables, acc, nullptr);
}

void lut4_gemm_f32_8x4c32__neoni8mm(size_t mr, const Groups& groups, const uint8_t* a, size_t a_stride, const uint8_t* w,
                                    const int8_t* tables, const DequantParams& p) {
  dispatch_rows<true>(mr, groups, a, a_stride, w, tables, nullptr, &p);
}

// As the dense i8mm path (kernels/paths_arm.cc): the library is compiled with +dotprod too.
bool supported(const CpuFeatures& f) { return f.neon && f.dotprod && f.i8mm; }

}  // namespace

const LutKernel kLut4Neoni8mm = {"lut4_gemm_8x4c32__neoni8mm", "i8mm", lut4_gemm_8x4c32__neoni8mm, 8, AForm::S8X2,
                                 lut4_gemm_f32_8x4c32__neoni8mm, supported};

}  // namespace lut
}  // namespace ei8
