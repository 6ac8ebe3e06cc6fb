// Sparse int8 kernels for AArch64 with the dot-product extension (SDOT): csrc/sparse/
// arm_sparse_kernels.inc. Feeds: sparse/sparse_pack.cc formats. Must equal ref::sparse_matmul_i32.
#include <arm_neon.h>

#include <cstring>
#include <type_traits>
#include <utility>

#include "sparse/kernels_portable.h"
#include "sparse/sparse_isa.h"

namespace ei8 {
namespace dotprod {
namespace {

#define DOT4(acc, a, w) vdotq_s32(acc, a, w)
#include "sparse/arm_sparse_kernels.inc"
#undef DOT4

}  // namespace

const sparse::SparseKernels kSparse = {"dotprod", AKind::S8, bsr_rows, 16, nullptr, 0, nm_rows, 4, nullptr, 0,
                                       bsr_k1_mvec, 16, sell_rows, 16};

}  // namespace dotprod
}  // namespace ei8
