// The ARM kernel paths (AArch64 and ARMv7) and the CPU features each one needs.
#include "kernels/paths.h"

namespace ei8 {

#if defined(__aarch64__) || defined(__arm__)

const std::vector<BuiltPath>& arm_paths() {
  static const std::vector<BuiltPath> paths = {};
  return paths;
}

#endif

}  // namespace ei8
