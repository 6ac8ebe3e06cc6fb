// The per-ISA sparse kernel tables (csrc/kernels/<isa>/*sparse*), each in its ISA's namespace.
#pragma once

#include "sparse/sparse.h"

namespace ei8 {
#if defined(__x86_64__) || defined(_M_X64)
namespace sse41 { extern const sparse::SparseKernels kSparse; }
namespace avx2 { extern const sparse::SparseKernels kSparse; }
namespace avxvnni { extern const sparse::SparseKernels kSparse; }
namespace avx512vnni { extern const sparse::SparseKernels kSparse; }
// SELL with VBMI's byte permute: the avx512vnni path's SELL kernel where the CPU has VBMI.
namespace avx512vbmi {
constexpr uint32_t kSellRowsMr = 4;
void qs8_spmm_sell_16x128(const sparse::Sell& s, size_t p0, size_t p1, size_t mr, const uint8_t* a, size_t a_stride,
                          int32_t* d, size_t d_stride);
}  // namespace avx512vbmi
#elif defined(__aarch64__)
namespace neon { extern const sparse::SparseKernels kSparse; }
namespace dotprod { extern const sparse::SparseKernels kSparse; }
#endif
}  // namespace ei8
