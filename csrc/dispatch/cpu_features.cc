#include "dispatch/cpu_features.h"

#include <cstdint>
#include <cstdlib>
#include <vector>

#if defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>
#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif
#elif defined(__aarch64__) || defined(__arm__)
#if defined(__linux__)
#include <sys/auxv.h>
#ifndef AT_HWCAP2  // glibc before 2.18 (and old bionic) lack it; the kernel has it since 3.11
#define AT_HWCAP2 26
#endif
#elif defined(__APPLE__)
#include <sys/sysctl.h>
#endif
#endif

namespace ei8 {

// A feature with its cpuInfo() name and the feature it needs (its paths assume both).
struct Named {
  bool CpuFeatures::*flag;
  const char* name;
  bool CpuFeatures::*needs;
};

#if defined(__x86_64__) || defined(_M_X64)

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4]) {
  __cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
}

static uint64_t xgetbv0() {
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<uint64_t>(hi) << 32) | lo;
}

// Linux keeps AMX tile data off until a process asks for it (kernel 5.16+).
static bool request_amx_permission() {
#if defined(__linux__)
  const long kArchReqXcompPerm = 0x1023;
  const long kXfeatureXtiledata = 18;
  return syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0;
#else
  return false;
#endif
}

static void detect(CpuFeatures& f) {
  f.arch = "x64";
  uint32_t r[4];
  cpuid(0, 0, r);
  const uint32_t max_leaf = r[0];
  cpuid(1, 0, r);
  const uint32_t ecx1 = r[2];
  f.sse41 = (ecx1 >> 19) & 1;
  const bool osxsave = (ecx1 >> 27) & 1;
  const uint64_t xcr0 = osxsave ? xgetbv0() : 0;
  const bool os_avx = (xcr0 & 0x6) == 0x6;           // XMM and YMM state
  const bool os_avx512 = os_avx && (xcr0 & 0xe0) == 0xe0;  // opmask, ZMM_Hi256, Hi16_ZMM
  const bool os_amx = (xcr0 & 0x60000) == 0x60000;   // XTILECFG and XTILEDATA
  f.avx = os_avx && ((ecx1 >> 28) & 1);
  f.fma = f.avx && ((ecx1 >> 12) & 1);
  if (max_leaf >= 7) {
    cpuid(7, 0, r);
    const uint32_t ebx7 = r[1], ecx7 = r[2], edx7 = r[3], max_sub = r[0];
    f.avx2 = f.avx && ((ebx7 >> 5) & 1);
    f.avx512f = os_avx512 && ((ebx7 >> 16) & 1);
    f.avx512dq = f.avx512f && ((ebx7 >> 17) & 1);
    f.avx512bw = f.avx512f && ((ebx7 >> 30) & 1);
    f.avx512vl = f.avx512f && ((ebx7 >> 31) & 1);
    f.avx512vnni = f.avx512f && ((ecx7 >> 11) & 1);
    f.avx512vbmi = f.avx512f && ((ecx7 >> 1) & 1);
    f.amx_tile = os_amx && ((edx7 >> 24) & 1);
    f.amx_int8 = f.amx_tile && ((edx7 >> 25) & 1);
    if (max_sub >= 1) {
      cpuid(7, 1, r);
      f.avxvnni = f.avx2 && ((r[0] >> 4) & 1);
    }
  }
  if (f.amx_int8) f.amx_permitted = request_amx_permission();
}

static const std::vector<Named>& named_features() {
  using F = CpuFeatures;
  static const std::vector<Named> list = {
      {&F::sse41, "sse4.1", nullptr},        {&F::avx, "avx", &F::sse41},
      {&F::avx2, "avx2", &F::avx},           {&F::fma, "fma", &F::avx},
      {&F::avx512f, "avx512f", &F::avx2},    {&F::avx512bw, "avx512bw", &F::avx512f},
      {&F::avx512vl, "avx512vl", &F::avx512f}, {&F::avx512dq, "avx512dq", &F::avx512f},
      {&F::avx512vnni, "avx512vnni", &F::avx512f}, {&F::avx512vbmi, "avx512vbmi", &F::avx512f},
      {&F::avxvnni, "avxvnni", &F::avx2},    {&F::amx_tile, "amx-tile", &F::avx512f},
      {&F::amx_int8, "amx-int8", &F::amx_tile}, {&F::amx_permitted, "amx-permitted", &F::amx_int8},
  };
  return list;
}

#elif defined(__aarch64__) || defined(__arm__)

#if defined(__APPLE__)
static bool sysctl_flag(const char* name) {
  int value = 0;
  size_t size = sizeof(value);
  return sysctlbyname(name, &value, &size, nullptr, 0) == 0 && value != 0;
}
#endif

static void detect(CpuFeatures& f) {
#if defined(__aarch64__)
  f.arch = "arm64";
  f.neon = true;  // Advanced SIMD is mandatory in AArch64
#if defined(__linux__)
  // Bit numbers from the Linux uapi (arch/arm64/include/uapi/asm/hwcap.h); older headers lack them.
  const unsigned long kHwcapAsimddp = 1UL << 20;
  const unsigned long kHwcap2I8mm = 1UL << 13;
  const unsigned long hwcap = getauxval(AT_HWCAP);
  const unsigned long hwcap2 = getauxval(AT_HWCAP2);
  f.dotprod = (hwcap & kHwcapAsimddp) != 0;
  f.i8mm = (hwcap2 & kHwcap2I8mm) != 0;
#elif defined(__APPLE__)
  f.dotprod = sysctl_flag("hw.optional.arm.FEAT_DotProd");
  f.i8mm = sysctl_flag("hw.optional.arm.FEAT_I8MM");
#endif
#else
  f.arch = "arm";
#if defined(__linux__)
  const unsigned long kHwcapNeon = 1UL << 12;  // arch/arm/include/uapi/asm/hwcap.h
  f.neon = (getauxval(AT_HWCAP) & kHwcapNeon) != 0;
#endif
#endif
}

static const std::vector<Named>& named_features() {
  using F = CpuFeatures;
  static const std::vector<Named> list = {
      {&F::neon, "neon", nullptr}, {&F::dotprod, "dotprod", &F::neon}, {&F::i8mm, "i8mm", &F::neon}};
  return list;
}

#else

static void detect(CpuFeatures& f) { f.arch = "unknown"; }

static const std::vector<Named>& named_features() {
  static const std::vector<Named> list;
  return list;
}

#endif

// EI8_CPU_DISABLE: features to treat as absent, by their cpuInfo() names, separated by commas or
// spaces (e.g. "avx512vbmi", or "avx512f,avxvnni"), so that the paths of an older CPU can be run and
// measured on this one. A feature goes with the one it needs (avx2 takes avx512f and avxvnni along);
// unknown names are ignored.
static void disable_from_env(CpuFeatures& f) {
  const char* env = std::getenv("EI8_CPU_DISABLE");
  if (!env) return;
  std::string list = std::string(",") + env + ",";
  for (char& c : list)
    if (c == ' ') c = ',';
  for (const Named& n : named_features())
    if (list.find(std::string(",") + n.name + ",") != std::string::npos) f.*n.flag = false;
  for (const Named& n : named_features())  // in order: a feature's need comes before it
    if (n.needs && !(f.*n.needs)) f.*n.flag = false;
}

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = [] {
    CpuFeatures f;
    detect(f);
    disable_from_env(f);
    for (const Named& n : named_features())
      if (f.*n.flag) f.names += (f.names.empty() ? "" : " ") + std::string(n.name);
    return f;
  }();
  return features;
}

}  // namespace ei8
