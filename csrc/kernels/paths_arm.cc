// The ARM kernel paths (AArch64 and ARMv7) and the CPU features each one needs.
// The tables only name functions: the kernels themselves live in the per-ISA libraries
// (kernels/neon, kernels/dotprod, kernels/i8mm), compiled with their own -march flags, and are
// never called unless the feature test below passed.
#include "kernels/paths.h"

#if defined(__aarch64__)
#include "kernels/dotprod/dotprod_kernels.h"
#include "kernels/i8mm/i8mm_kernels.h"
#endif
#if defined(__aarch64__) || defined(__arm__)
#include "kernels/neon/neon_kernels.h"
#endif

namespace ei8 {

#if defined(__aarch64__)

namespace {

// ARMv8.0 instructions only: shared by every AArch64 path.
const Epilogues kNeonEpilogues = {neon::correct, neon::requant_float, neon::requant_fixed, neon::dequant_accumulate,
                                   neon::dequant_store};
const DynamicQuantKernels kNeonDynamicQuant = {neon::minmax, neon::quantize_run};

// ARMv8.0: widening multiply-accumulate. Narrow weights (no -128) take two products per int16
// lane (SMLAL2); any weights one (SMULL2), see kernels/neon/gemm_c16.h. M = 1 runs the 1-row
// instance of the same kernels (8 independent accumulators). Per-group weights with f32 output run
// every group of a panel in one call (gemm_2x8c16_groups__neon.cc).
const KernelPath kNeon = {
    "neon",
    {"qs8_gemm_2x8c16__neon", 8, 16, AKind::S8,
     {neon::gemm_2x8c16__neon_mlal, 2, nullptr, nullptr, ALayout::Plain, nullptr, nullptr, nullptr,
      neon::gemm_2x8c16_dequant_groups__neon_mlal},
     {neon::gemm_2x8c16__neon_mull, 2, nullptr, nullptr, ALayout::Plain, nullptr, nullptr, nullptr,
      neon::gemm_2x8c16_dequant_groups__neon_mull},
     {nullptr, 0}, {nullptr, 0}},
    kNeonEpilogues,
    neon::dot_peak,
    kNeonDynamicQuant,
};

// ARMv8.2 dotprod: SDOT, exact for every weight; the (16, 4) layout of the scalar path.
const KernelPath kDotprod = {
    "dotprod",
    {"qs8_gemm_4x16c4__neondot", 16, 4, AKind::S8,
     {dotprod::gemm_4x16c4__neondot, 4, nullptr, nullptr, ALayout::Plain, nullptr, nullptr, nullptr,
      dotprod::gemm_4x16c4_dequant_groups__neondot},
     {dotprod::gemm_4x16c4__neondot, 4, nullptr, nullptr, ALayout::Plain, nullptr, nullptr, nullptr,
      dotprod::gemm_4x16c4_dequant_groups__neondot},
     {dotprod::gemv_1x16c4__neondot, 1, nullptr, nullptr, ALayout::Plain, nullptr, nullptr, nullptr,
      dotprod::gemv_1x16c4_dequant_groups__neondot},
     {dotprod::gemv_1x16c4__neondot, 1, nullptr, nullptr, ALayout::Plain, nullptr, nullptr, nullptr,
      dotprod::gemv_1x16c4_dequant_groups__neondot}},
    kNeonEpilogues,
    dotprod::dot_peak,
    kNeonDynamicQuant,
};

// ARMv8.6 i8mm: SMMLA on 2x8 by 8x2 blocks, exact for every weight.
const KernelPath kI8mm = {
    "i8mm",
    {"qs8_gemm_4x16c8__neoni8mm", 16, 8, AKind::S8,
     {i8mm::gemm_4x16c8__neoni8mm, 4, nullptr, nullptr, ALayout::Plain, nullptr, nullptr, nullptr,
      i8mm::gemm_4x16c8_dequant_groups__neoni8mm},
     {i8mm::gemm_4x16c8__neoni8mm, 4, nullptr, nullptr, ALayout::Plain, nullptr, nullptr, nullptr,
      i8mm::gemm_4x16c8_dequant_groups__neoni8mm},
     {nullptr, 0},
     {nullptr, 0}},
    kNeonEpilogues,
    i8mm::dot_peak,
    kNeonDynamicQuant,
};

bool has_neon(const CpuFeatures& f) { return f.neon; }
bool has_dotprod(const CpuFeatures& f) { return f.neon && f.dotprod; }
// The i8mm library is compiled with +dotprod too (the compiler may use SDOT there).
bool has_i8mm(const CpuFeatures& f) { return f.neon && f.dotprod && f.i8mm; }

}  // namespace

const std::vector<BuiltPath>& arm_paths() {
  static const std::vector<BuiltPath> paths = {
      {&kNeon, has_neon},
      {&kDotprod, has_dotprod},
      {&kI8mm, has_i8mm},
  };
  return paths;
}

#elif defined(__arm__)

namespace {

// ARMv7 NEON (32-bit ARM: Raspberry Pi OS armhf on any Pi, older boards): the widening kernels on
// 2x4 tiles (16 quad registers). The float epilogues and dynamic quantization stay scalar: ARMv7
// NEON float arithmetic flushes denormals to zero and has no round-to-nearest conversion.
const KernelPath kNeon = {
    "neon",
    {"qs8_gemm_2x4c16__neon", 4, 16, AKind::S8,
     {neon::gemm_2x4c16__neon_mlal, 2}, {neon::gemm_2x4c16__neon_mull, 2}, {nullptr, 0}, {nullptr, 0}},
    {neon::correct, scalar::requant_float, neon::requant_fixed, scalar::dequant_accumulate, scalar::dequant_store},
    neon::dot_peak,
    {nullptr, nullptr},
};

bool has_neon(const CpuFeatures& f) { return f.neon; }

}  // namespace

const std::vector<BuiltPath>& arm_paths() {
  static const std::vector<BuiltPath> paths = {{&kNeon, has_neon}};
  return paths;
}

#endif

}  // namespace ei8
