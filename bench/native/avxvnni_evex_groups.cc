// Times the AVX-VNNI path's per-group GEMV where the CPU has no AVX-VNNI: the path's kernels as the
// C++ tests compile them a second time on the EVEX form of vpdpbusd on ymm (path "avxvnni-evex",
// test/cpp/avxvnni_evex_path.cc), through the C API (driver included), against the same call on
// per-column weights. A proxy only: the same instructions on a CPU whose ymm units are not those of
// an Alder Lake or a Zen 5. CMake target avxvnni_evex_groups (not built by default):
//   cmake --build build-cmake --target avxvnni_evex_groups
//   ./build-cmake/avxvnni_evex_groups 1 4096 4096 32 [rounds]   # M K N group
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "dispatch/cpu_features.h"
#include "dispatch/registry.h"
#include "edge_int8.h"

namespace ei8::avxvnni_evex {
extern const KernelPath kPath;
}

namespace {

double seconds_per_call(const ei8_activations& a, const float* sa, const ei8_packed* b, float* out) {
  size_t reps = 1;
  for (;;) {
    const auto t0 = std::chrono::steady_clock::now();
    for (size_t i = 0; i < reps; ++i) ei8_matmul_dequant(&a, sa, 1, b, nullptr, out);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (s > 0.2) return s / double(reps);
    reps *= 2;
  }
}

ei8_packed* pack(const std::vector<int8_t>& w, size_t k, size_t n, size_t group) {
  const size_t params = group ? (k + group - 1) / group * n : n;
  std::vector<int32_t> zp(params, 0);
  std::vector<float> scale(params);
  for (size_t i = 0; i < params; ++i) scale[i] = 1e-3f + float(i % 97) * 1e-4f;
  ei8_packed* p = nullptr;
  if (ei8_pack_weights(w.data(), EI8_INT8, EI8_LAYOUT_NK, k, n, zp.data(), scale.data(), params, group, &p) != EI8_OK) {
    std::fprintf(stderr, "pack failed\n");
    std::exit(1);
  }
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s M K N group [rounds]\n", argv[0]);
    return 2;
  }
  const ei8::CpuFeatures& f = ei8::cpu_features();
  if (f.avxvnni || !(f.avx2 && f.avx512vl && f.avx512vnni)) {
    std::fprintf(stderr, "needs AVX-512 VNNI without AVX-VNNI\n");
    return 2;
  }
  ei8::add_test_path(&ei8::avxvnni_evex::kPath);
  const size_t m = std::strtoul(argv[1], nullptr, 10), k = std::strtoul(argv[2], nullptr, 10),
               n = std::strtoul(argv[3], nullptr, 10), group = std::strtoul(argv[4], nullptr, 10);
  const int rounds = argc > 5 ? std::atoi(argv[5]) : 7;
  if (ei8_set_isa("avxvnni-evex") != EI8_OK) return 1;
  ei8_set_threads(1);

  std::vector<int8_t> w(k * n);
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<int8_t>(int((i * 2654435761u) >> 16) % 255 - 127);
  std::vector<uint8_t> x(m * k);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<uint8_t>((i * 40503u) >> 3);
  const int32_t za = 121;
  const float sa = 0.02f;
  const ei8_activations a = {x.data(), EI8_UINT8, m, k, k, &za, 1};
  ei8_packed* grouped = pack(w, k, n, group);
  ei8_packed* columns = pack(w, k, n, 0);
  std::vector<float> out(m * n);

  if (ei8_matmul_dequant(&a, &sa, 1, grouped, nullptr, out.data()) != EI8_OK ||
      ei8_matmul_dequant(&a, &sa, 1, columns, nullptr, out.data()) != EI8_OK) {
    std::fprintf(stderr, "matmul failed\n");
    return 1;
  }
  std::vector<double> tg, tc;
  for (int r = 0; r < rounds; ++r) {
    tg.push_back(seconds_per_call(a, &sa, grouped, out.data()));
    tc.push_back(seconds_per_call(a, &sa, columns, out.data()));
  }
  std::sort(tg.begin(), tg.end());
  std::sort(tc.begin(), tc.end());
  const double g = tg[tg.size() / 2], c = tc[tc.size() / 2];
  std::printf("%zux%zux%zu group %zu avxvnni-evex 1 thread: grouped %.1f us, per-column %.1f us, x per-column %.3f\n",
              m, k, n, group, g * 1e6, c * 1e6, c / g);
  ei8_packed_release(grouped);
  ei8_packed_release(columns);
  return 0;
}
