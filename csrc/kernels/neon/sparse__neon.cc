// Sparse int8 kernels for AArch64 NEON (no dot product): csrc/sparse/arm_sparse_kernels.inc with
// SMULL / SADDLP / ADDP (products fit int16, pair sums widen to int32: exact for every input).
// Feeds: sparse/sparse_pack.cc formats. Must equal ref::sparse_matmul_i32.
// The neon library is also built for 32-bit ARM (-mfpu=neon), where these AArch64 intrinsics do
// not exist and sparse/sparse_paths.cc registers no NEON sparse kernels.
#if defined(__aarch64__)

#include <arm_neon.h>

#include <cstring>
#include <type_traits>
#include <utility>

#include "sparse/kernels_portable.h"
#include "sparse/sparse_isa.h"

namespace ei8 {
namespace neon {
namespace {

inline int32x4_t dot4(int32x4_t acc, int8x16_t a, int8x16_t w) {
  const int16x8_t lo = vmull_s8(vget_low_s8(a), vget_low_s8(w));
  const int16x8_t hi = vmull_high_s8(a, w);
  return vaddq_s32(acc, vpaddq_s32(vpaddlq_s16(lo), vpaddlq_s16(hi)));
}

#define DOT4(acc, a, w) dot4(acc, a, w)
#include "sparse/arm_sparse_kernels.inc"
#undef DOT4

}  // namespace

const sparse::SparseKernels kSparse = {"neon", AKind::S8, bsr_rows, 16, nullptr, 0, nm_rows, 4, nullptr, 0,
                                       bsr_k1_mvec, 16, sell_rows, 16};

}  // namespace neon
}  // namespace ei8

#endif  // __aarch64__
