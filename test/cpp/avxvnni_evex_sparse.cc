// The AVX-VNNI path's sparse kernels, compiled a second time with the EVEX form of vpdpbusd
// (AVX512-VL VNNI), as namespace avxvnni_evex and table "avxvnni-evex" (as avxvnni_evex_path.cc for
// the dense path): sparse_differential_test runs them where the CPU has AVX-512 VNNI but no
// AVX-VNNI. The table is a constant (kernel_table is constexpr): no code of this AVX-512 build runs
// before that check.
#define EI8_AVXVNNI_EVEX 1
#include "sparse/sparse.h"

namespace ei8::avxvnni_evex {
extern const sparse::SparseKernels kSparse;
}

#include "../../csrc/kernels/avxvnni/sparse__avxvnni.cc"
