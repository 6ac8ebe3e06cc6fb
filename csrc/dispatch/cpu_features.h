// CPU feature detection: what the CPU and the operating system allow. Filled once.
#pragma once

#include <string>

namespace ei8 {

struct CpuFeatures {
  // x86-64 (each AVX feature also requires the OS to save the matching register state)
  bool sse41 = false, avx = false, avx2 = false, fma = false;
  bool avx512f = false, avx512bw = false, avx512vl = false, avx512dq = false, avx512vnni = false, avx512vbmi = false;
  bool avxvnni = false;
  bool amx_tile = false, amx_int8 = false;  // CPU and OS support AMX
  bool amx_permitted = false;               // Linux granted this process the AMX tile state
  // AArch64 / ARMv7
  bool neon = false, dotprod = false, i8mm = false;

  std::string arch;  // "x64", "arm64", "arm", or the compiler's name for others
  std::string names;  // space separated, for cpuInfo()
};

const CpuFeatures& cpu_features();

}  // namespace ei8
