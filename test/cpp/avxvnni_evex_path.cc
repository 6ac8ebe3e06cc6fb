// The AVX-VNNI path's kernels and table, compiled a second time with the EVEX form of vpdpbusd on
// ymm (AVX512-VL VNNI: the same operation), as namespace avxvnni_evex and path "avxvnni-evex"
// (kernels/avxvnni/avxvnni_kernels.h). differential_test adds it to the grid where the CPU has
// AVX-512 VNNI but no AVX-VNNI, so that the path's code runs on such CI machines too. Built with
// AVX-512 flags (CMakeLists.txt): nothing here runs before that check, the table being a constant.
#define EI8_AVXVNNI_EVEX 1
#include "../../csrc/kernels/avxvnni/gemm_6x16c4__avxvnni.cc"
#include "../../csrc/kernels/avxvnni/gemm_groups__avxvnni.cc"
#include "../../csrc/kernels/avxvnni/gemv_2x16c4__avxvnni.cc"
#include "../../csrc/kernels/avxvnni/path__avxvnni.cc"
