// The x86-64 kernel paths and the CPU features (and OS state) each one needs, worst first.
#include "kernels/paths.h"

#if defined(__x86_64__) || defined(_M_X64)
#include "kernels/amx/amx_kernels.h"
#include "kernels/avx2/avx2_kernels.h"
#include "kernels/avx512vnni/avx512vnni_kernels.h"
#include "kernels/avxvnni/avxvnni_kernels.h"
#include "kernels/sse41/sse41_kernels.h"
#endif

namespace ei8 {

#if defined(__x86_64__) || defined(_M_X64)

static bool avx512vnni_usable(const CpuFeatures& f) {
  return f.avx512f && f.avx512bw && f.avx512vl && f.avx512dq && f.avx512vnni;
}

const std::vector<BuiltPath>& x86_paths() {
  static const std::vector<BuiltPath> paths = {
      {&sse41::kPath, [](const CpuFeatures& f) { return f.sse41; }},
      {&avx2::kPath, [](const CpuFeatures& f) { return f.avx2; }},
      {&avxvnni::kPath, [](const CpuFeatures& f) { return f.avx2 && f.avxvnni; }},
      {&avx512vnni::kPath, [](const CpuFeatures& f) { return avx512vnni_usable(f); }},
      // Only once Linux granted the tile state, and the kernel matched a scalar loop on this CPU.
      {&amx::kPath,
       [](const CpuFeatures& f) { return avx512vnni_usable(f) && f.amx_int8 && f.amx_permitted && amx::self_check(); }},
  };
  return paths;
}

#endif

}  // namespace ei8
