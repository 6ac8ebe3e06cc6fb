// Look-up-table (codebook) kernels: one micro-kernel per instruction set, chosen at run time.
// The driver (codebook_lut.cc) prepares A, walks panels, groups and rows, and applies the epilogues
// of ref/scalar_math.h, so that every kernel returns exactly the reference's results (ref/codebook_ref.h).
#pragma once

#include <cstddef>
#include <cstdint>

#include "dispatch/cpu_features.h"

namespace ei8 {
namespace lut {

// How a micro-kernel wants the activations.
//   U8:  bytes a' = a (uint8) or a ^ 0x80 (int8); the driver subtracts za' * colsum afterwards
//        (VNNI multiplies u8 by s8 and sums into int32 without saturation).
//   S16: int16 a - za; nothing to correct (vpmaddwd on int16 is exact for every input).
enum class AForm : uint8_t { U8, S16 };

// acc[r * 4 + c] = sum over `blocks` blocks of 32 k of a_r[k] * table_c[index_c(k)], for r < mr and
// the 4 columns c of one panel (ref/codebook_ref.h), with wrapping int32 arithmetic.
//   a:      row r at a + r * a_stride (bytes), 32 * blocks elements in the kernel's AForm;
//   w:      the panel's first block for this group;
//   tables: the 4 x 16 centroids of this (panel, group).
using LutGemmFn = void (*)(size_t mr, size_t blocks, const uint8_t* a, size_t a_stride, const uint8_t* w,
                           const int8_t* tables, int32_t* acc);

struct LutKernel {
  const char* name;  // e.g. "lut4_gemm_4x4c32__avx512vnni": operation, tile, ISA
  const char* isa;   // the kernel path name it belongs to: "scalar", "avx2", "avx512vnni", ...
  LutGemmFn run;
  uint32_t mr;  // rows per call (at most)
  AForm a_form;
  bool (*supported)(const CpuFeatures&);
};

// The kernels, one per file.
extern const LutKernel kLut4Scalar;      // kernels/scalar/lut4_gemm_1x4c32__scalar.cc
#if defined(__x86_64__) || defined(_M_X64)
extern const LutKernel kLut4Avx2;        // kernels/avx2/lut4_gemm_2x4c32__avx2.cc
extern const LutKernel kLut4Avx512Vnni;  // kernels/avx512vnni/lut4_gemm_4x4c64__avx512vnni.cc
#endif

}  // namespace lut
}  // namespace ei8
