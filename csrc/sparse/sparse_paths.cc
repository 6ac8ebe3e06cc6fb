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
    if (f.sse41) l.push_back(&sse41::kSparse);
    if (f.avx2 && f.fma) l.push_back(&avx2::kSparse);
    if (f.avxvnni) l.push_back(&avxvnni::kSparse);
    if (f.avx512vnni && f.avx512bw && f.avx512vl && f.avx512dq) {
      // VBMI is a separate feature (Cascade Lake has VNNI without it): its byte-permute SELL kernel
      // replaces the path's lookups here, at run time.
      static SparseKernels k512 = [&] {
        SparseKernels k = avx512vnni::kSparse;
        if (f.avx512vbmi) {
          k.sell_rows = avx512vbmi::qs8_spmm_sell_16x128;
          k.sell_rows_mr = avx512vbmi::kSellRowsMr;
          k.sell_gather = SellGather::kPermute;
        }
        return k;
      }();
      l.push_back(&k512);
    }
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
