// Sparse int8 kernels for AVX-VNNI (ymm, vpdpbusd): csrc/sparse/x86_sparse_kernels.inc over 8 lanes.
// Feeds: sparse/sparse_pack.cc formats. Must equal ref::sparse_matmul_i32.
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "kernels/avxvnni/avxvnni_kernels.h"
#include "sparse/kernels_portable.h"
#include "sparse/sparse_isa.h"

namespace ei8 {
namespace EI8_AVXVNNI_NS {
namespace {

// vpdpbusd: u8 x s8, exact for every input.
struct VnniDot {
  static constexpr AKind kA = AKind::U8;
  static __m256i dot(__m256i acc, __m256i a, __m256i w) { return EI8_DPBUSD_YMM(acc, a, w); }
  static __m128i dot128(__m128i acc, __m128i a, __m128i w) { return EI8_DPBUSD_XMM(acc, a, w); }
};

#include "sparse/x86_ymm_traits.inc"
using V = YmmV<VnniDot>;

#include "sparse/x86_sparse_kernels.inc"
#include "sparse/x86_sell_lookups.inc"

}  // namespace

const sparse::SparseKernels kSparse = kernel_table(EI8_AVXVNNI_NAME, {4, 16, 4, 8, 32}, sell_lookups::rows,
                                                   sell_lookups::kRowsMr, sell_lookups::kGather);

}  // namespace EI8_AVXVNNI_NS
}  // namespace ei8
