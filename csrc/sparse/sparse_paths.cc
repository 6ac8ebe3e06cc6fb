// The sparse kernel paths built into this binary and the CPU features each one needs.
#include "dispatch/cpu_features.h"
#include "sparse/sparse.h"
#include "sparse/sparse_isa.h"

namespace ei8 {
namespace sparse {

const std::vector<const SparseKernels*>& kernel_paths() {
  static const std::vector<const SparseKernels*> list = [] {
    const CpuFeatures& f = cpu_features();
    std::vector<const SparseKernels*> l{&kPortable};
#if defined(__x86_64__) || defined(_M_X64)
    (void)f;
#elif defined(__aarch64__)
    if (f.neon) l.push_back(&neon::kSparse);
    if (f.dotprod) l.push_back(&dotprod::kSparse);
#else
    (void)f;
#endif
    return l;
  }();
  return list;
}

}  // namespace sparse
}  // namespace ei8
