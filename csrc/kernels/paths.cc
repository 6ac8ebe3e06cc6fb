#include "kernels/paths.h"

namespace ei8 {

const std::vector<BuiltPath>& built_paths() {
#if defined(__x86_64__) || defined(_M_X64)
  return x86_paths();
#elif defined(__aarch64__) || defined(__arm__)
  return arm_paths();
#else
  static const std::vector<BuiltPath> none;
  return none;
#endif
}

}  // namespace ei8
