// Sparse int8 kernels for AVX-VNNI (ymm, vpdpbusd): csrc/sparse/x86_sparse_kernels.inc over 8 lanes.
// Feeds: sparse/sparse_pack.cc formats. Must equal ref::sparse_matmul_i32.
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "sparse/kernels_portable.h"
#include "sparse/sparse_isa.h"

namespace ei8 {
namespace avxvnni {
namespace {

#define EI8_YMM_DOT(acc, a, w) _mm256_dpbusd_avx_epi32(acc, a, w)
#define EI8_XMM_DOT(acc, a, w) _mm_dpbusd_avx_epi32(acc, a, w)
#include "sparse/x86_ymm_traits.inc"
#undef EI8_YMM_DOT
#undef EI8_XMM_DOT

#include "sparse/x86_sparse_kernels.inc"
#include "sparse/x86_sell_lookups.inc"

}  // namespace

const sparse::SparseKernels kSparse = {"avxvnni", AKind::U8, bsr_rows, 4, bsr_mvec, 16, nm_rows, 4, bsr_groups, 8,
                                       bsr_k1_mvec, 32, sell_lookups::rows, sell_lookups::kRowsMr,
                                       sell_lookups::kGather};

}  // namespace avxvnni
}  // namespace ei8
