// Look-up-table (codebook) kernels: one file per instruction set, chosen at run time.
// The driver (codebook_lut.cc) prepares A, walks panels and rows, and applies the epilogues of
// ref/scalar_math.h in the reference's order, so that every kernel returns exactly the reference's
// results (ref/codebook_ref.h).
#pragma once

#include <cstddef>
#include <cstdint>

#include "dispatch/cpu_features.h"

namespace ei8 {
namespace lut {

// How a micro-kernel wants the activations.
//   U8:   bytes a' = a (uint8) or a ^ 0x80 (int8); the driver subtracts za' * colsum afterwards
//         (VNNI multiplies u8 by s8 and sums into int32 without saturation).
//   S8:   bytes a' = a (int8) or a ^ 0x80 (uint8, a - 128); the driver subtracts za' * colsum
//         afterwards (SMULL and SDOT multiply s8 by s8 exactly).
//   S8X2: the S8 bytes with the rows in pairs, interleaved every 8 k: for each 8 k, row 2i's 8
//         bytes, then row 2i+1's (a 2x8 operand of SMMLA). Pair i starts at a + 2i * a_stride and
//         k (a multiple of 8) is at byte 2k of the pair; with an odd row count the last pair's
//         second row is zero. Every call starts at an even row.
//   S16:  int16 a - za; nothing to correct (vpmaddwd on int16 is exact for every input).
enum class AForm : uint8_t { U8, S8, S8X2, S16 };

// The groups of one panel, all of group_blocks blocks of 32 k except the last (last_blocks). Group g
// starts at block g * group_blocks: in A (32 elements per block) and in the panel's indices (64
// bytes per block); its tables are at tables + g * 64.
struct Groups {
  size_t count, group_blocks, last_blocks;
  size_t blocks(size_t g) const { return g + 1 < count ? group_blocks : last_blocks; }
};

// acc[(g * mr + r) * 4 + c] = sum over group g of a_r[k] * table_{g,c}[index_c(k)], for r < mr and
// the 4 columns c of one panel (wrapping int32).
//   a:      row r at a + r * a_stride (bytes), in the kernel's AForm; w: the panel's indices;
//   tables: the panel's 4 x 16 centroids per group.
using LutGemmFn = void (*)(size_t mr, const Groups& groups, const uint8_t* a, size_t a_stride, const uint8_t* w,
                           const int8_t* tables, int32_t* acc);

// The float epilogue, fused into a kernel for full panels: for each group g in order and row r,
//   y[r * 4 + c] += fl32(acc_g[r][c] - za[r] * colsum_g[c]) * fl32(sa[r] * sb_g[c])
// (wrapping int32, then ref::dequant_term), so that the group sums never leave the registers.
struct DequantParams {
  const int32_t* za;      // mr entries: za' for the byte forms, 0 for AForm::S16
  const float* sa;        // mr entries
  const int32_t* colsum;  // the first group's 4 columns; group g's at colsum + g * stride
  const float* sb;        // likewise
  size_t stride;          // N
  float* y;               // mr x 4
};
using LutGemmDequantFn = void (*)(size_t mr, const Groups& groups, const uint8_t* a, size_t a_stride, const uint8_t* w,
                                  const int8_t* tables, const DequantParams& p);

struct LutKernel {
  const char* name;  // e.g. "lut4_gemm_8x4c32__avx512vnni": operation, tile, ISA
  const char* isa;   // the kernel path it belongs to: "scalar", "avx2", "avx512vnni", ...
  LutGemmFn gemm;
  uint32_t mr;  // rows per call (at most): the look-ups of a block are shared by them
  AForm a_form;
  LutGemmDequantFn gemm_dequant;  // optional
  bool (*supported)(const CpuFeatures&);
};

// The kernels, one per file.
extern const LutKernel kLut4Scalar;      // kernels/scalar/lut4_gemm_1x4c32__scalar.cc
#if defined(__x86_64__) || defined(_M_X64)
extern const LutKernel kLut4Sse41;       // kernels/sse41/lut4_gemm_2x4c32__sse41.cc
extern const LutKernel kLut4Avx2;        // kernels/avx2/lut4_gemm_2x4c32__avx2.cc
extern const LutKernel kLut4Avx512Vnni;  // kernels/avx512vnni/lut4_gemm_8x4c32__avx512vnni.cc
#elif defined(__aarch64__)
extern const LutKernel kLut4Neon;        // kernels/neon/lut4_gemm_4x4c32__neon.cc
extern const LutKernel kLut4Neondot;     // kernels/dotprod/lut4_gemm_4x4c32__neondot.cc
extern const LutKernel kLut4Neoni8mm;    // kernels/i8mm/lut4_gemm_8x4c32__neoni8mm.cc
#endif

}  // namespace lut
}  // namespace ei8
