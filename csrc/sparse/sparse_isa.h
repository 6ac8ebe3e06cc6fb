// The per-ISA sparse kernel tables (csrc/kernels/<isa>/*sparse*), each in its ISA's namespace.
#pragma once

#include "sparse/sparse.h"

namespace ei8 {
#if defined(__x86_64__) || defined(_M_X64)
namespace avx2 { extern const sparse::SparseKernels kSparse; }
namespace avxvnni { extern const sparse::SparseKernels kSparse; }
namespace avx512vnni { extern const sparse::SparseKernels kSparse; }
#elif defined(__aarch64__)
namespace neon { extern const sparse::SparseKernels kSparse; }
namespace dotprod { extern const sparse::SparseKernels kSparse; }
#endif
}  // namespace ei8
