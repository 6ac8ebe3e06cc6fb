// Every kernel path compiled into this binary, with the CPU test that makes it usable.
// Which paths are compiled is decided by the build (sources.gypi): a path whose ISA the target
// architecture lacks is simply not listed.
#pragma once

#include <vector>

#include "core/kernel_table.h"
#include "dispatch/cpu_features.h"
#include "kernels/scalar/scalar_kernels.h"

namespace ei8 {

struct BuiltPath {
  const KernelPath* path;
  bool (*supported)(const CpuFeatures&);
};

// SIMD paths built for this architecture, worst first.
const std::vector<BuiltPath>& built_paths();

// Per-architecture lists (kernels/paths_x86.cc, kernels/paths_arm.cc); only the host's is called.
const std::vector<BuiltPath>& x86_paths();
const std::vector<BuiltPath>& arm_paths();

}  // namespace ei8
