// The x86-64 kernel paths and the CPU features each one needs.
#include "kernels/paths.h"

namespace ei8 {

#if defined(__x86_64__) || defined(_M_X64)

const std::vector<BuiltPath>& x86_paths() {
  static const std::vector<BuiltPath> paths = {};
  return paths;
}

#endif

}  // namespace ei8
