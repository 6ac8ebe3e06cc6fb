// Every kernel path this CPU can run, against the reference, bit for bit, on a grid of edge
// shapes (DESIGN.md section 5). Fails if a path this CPU supports never ran.
#include <set>
#include <string>

#include "core/gemm.h"
#include "gemm_tester.h"

// x86 builds: the AMX kernel, compiled here against the software model of the tile instructions,
// as one more path of the grid ("amx-soft"): this CPU may lack AMX, and the model checks the
// configuration rules the hardware would fault on. Its M <= 2 calls use the same kernel (no GEMV):
// more of the grid runs through it.
#if defined(__x86_64__)
#define EI8_AMX_SOFT 1
#include "../../csrc/kernels/amx/gemm_16x64c4__amx.cc"
#include "dispatch/cpu_features.h"
#include "dispatch/registry.h"
#include "kernels/scalar/scalar_kernels.h"

namespace ei8::avxvnni_evex {
extern const KernelPath kPath;
}

namespace {
const ei8::Ukernel kAmxSoft = {ei8::amx_soft_kernel::gemm_16x64c4, 16, nullptr, nullptr, ei8::ALayout::Plain,
                               ei8::amx_soft_kernel::gemm_16x64c4_enter, ei8::amx_soft_kernel::gemm_16x64c4_leave};
const ei8::KernelPath kAmxSoftPath = {
    "amx-soft",
    {"qu8_gemm_16x64c4__amx (software model)", 64, 4, ei8::AKind::U8, kAmxSoft, kAmxSoft, {nullptr, 0}, {nullptr, 0}},
    ei8::scalar::kPath.epilogues,
};
[[maybe_unused]] const bool kAmxSoftAdded = (ei8::add_test_path(&kAmxSoftPath), true);

// The AVX-VNNI kernels on the EVEX form of their instruction (avxvnni_evex_path.cc), where the CPU
// cannot run the path itself.
bool evex_runs_avxvnni_code() {
  const ei8::CpuFeatures& f = ei8::cpu_features();
  return !f.avxvnni && f.avx2 && f.avx512f && f.avx512vl && f.avx512vnni;
}
[[maybe_unused]] const bool kAvxvnniEvexAdded =
    evex_runs_avxvnni_code() && (ei8::add_test_path(&ei8::avxvnni_evex::kPath), true);
}  // namespace
#endif

using tester::Fill;
using tester::Problem;

static std::vector<std::string> simd_paths() {
  std::vector<std::string> out;
  for (size_t i = 0; i < ei8_isa_count(); ++i)
    if (std::string(ei8_isa_name(i)) != "ref") out.push_back(ei8_isa_name(i));
  return out;
}

// One problem with pseudo-random variants (dtypes, zero points, fill, layout), deterministic per seed.
static Problem variant(size_t m, size_t n, size_t k, uint64_t seed) {
  tester::Rng r(seed * 7919 + m * 131 + n * 31 + k);
  Problem p;
  p.m = m;
  p.n = n;
  p.k = k;
  p.seed = seed;
  p.a_dtype = r.chance(50) ? EI8_INT8 : EI8_UINT8;
  p.b_dtype = r.chance(70) ? EI8_INT8 : EI8_UINT8;
  p.layout = r.chance(50) ? EI8_LAYOUT_KN : EI8_LAYOUT_NK;
  const int f = r.range(0, 9);
  p.fill = f < 2 ? Fill::Extremes : (f < 3 ? Fill::NarrowExtremes : (f < 5 ? Fill::NarrowRandom : Fill::Random));
  p.za_mode = r.range(0, 3);
  p.zb_mode = r.range(0, 2);
  p.row_pad = r.chance(25) ? static_cast<size_t>(r.range(1, 7)) : 0;
  p.threads = r.chance(25) ? 2 : 1;
  return p;
}

static const size_t kDepths[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 257};

TEST(m_sweep_every_depth) {
  for (const std::string& isa : simd_paths())
    for (size_t k : kDepths)
      for (size_t m = 1; m <= 17; ++m) tester::run_problem(isa.c_str(), variant(m, 17, k, 1));
}

TEST(n_sweep_tails_and_primes) {
  const size_t ns[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 23, 31, 32, 33, 47, 61, 64, 65, 67, 97, 131};
  for (const std::string& isa : simd_paths())
    for (size_t k : {1, 4, 17, 64, 100})
      for (size_t m : {1, 2, 4, 9})
        for (size_t n : ns) tester::run_problem(isa.c_str(), variant(m, n, k, 2));
}

TEST(deep_k_and_large_shapes) {
  for (const std::string& isa : simd_paths()) {
    tester::run_problem(isa.c_str(), variant(1, 257, 11008, 3));
    tester::run_problem(isa.c_str(), variant(3, 67, 4099, 3));
    tester::run_problem(isa.c_str(), variant(64, 67, 4097, 3));
    tester::run_problem(isa.c_str(), variant(33, 131, 1031, 3));
    tester::run_problem(isa.c_str(), variant(100, 48, 256, 3));
    // GEMV over panels deep enough for two streams (AVX-512: K >= 4096), each stream's quad count
    // even or odd: 1024 / 1025 / 1026 / 1027 quads.
    for (size_t k : {4096, 4100, 4104, 4108})
      for (size_t m : {1, 2}) tester::run_problem(isa.c_str(), variant(m, 67, k, 4));
  }
}

TEST(k_chunked_schedule) {
  // Two to four row tiles walk each panel in k-chunks (core/gemm.cc) on large weights; with the size
  // threshold lowered, small shapes take that schedule: chunk tails (128 k of a 64-column panel, 512
  // of a 16-column one), short row tiles, partial panels, the prefetch of the next panel's first
  // chunk, two threads. The paths with the accumulating kernel must have taken it (avx2: narrow weights).
  ei8::GemmScheduleHooks& hooks = ei8::gemm_schedule_hooks();
  const size_t saved = hooks.min_chunked_weights;
  hooks.min_chunked_weights = 0;
  uint64_t seed = 10;
  for (const std::string& isa : simd_paths()) {
    const size_t runs = hooks.k_chunked_runs;
    for (size_t m : {7, 12, 13, 18, 24})
      for (size_t k : {129, 256, 300, 516, 1031})
        for (size_t n : {64, 67, 200}) tester::run_problem(isa.c_str(), variant(m, n, k, seed++));
    const bool chunked_path =
        isa == "avx512vnni" || isa == "avxvnni" || isa == "avxvnni-evex" || isa == "avx2" || isa == "sse41";
    check::record(!chunked_path || hooks.k_chunked_runs > runs, __FILE__, __LINE__,
                  "k-chunked schedule never ran on " + isa);
  }
  hooks.min_chunked_weights = saved;
}

TEST(extremes_every_dtype_pair_and_zero_point) {
  // -128 (or 0/255) in both operands with every zero-point extreme: the AVX2 int16 trap. Then the
  // same with weights at -127/127 only, the worst case of kernels that add two products in int16
  // when the weights are narrow (the NEON SMLAL kernel).
  for (const std::string& isa : simd_paths())
    for (Fill fill : {Fill::Extremes, Fill::NarrowExtremes})
      for (ei8_dtype ad : {EI8_INT8, EI8_UINT8})
        for (ei8_dtype bd : {EI8_INT8, EI8_UINT8})
          for (int za = 0; za < 3; ++za)
            for (int zb = 0; zb < 3; ++zb)
              for (size_t k : {64, 1000, 4100}) {
                Problem p = variant(5, 33, k, 4);
                p.a_dtype = ad;
                p.b_dtype = bd;
                p.za_mode = za;
                p.zb_mode = zb;
                p.fill = fill;
                tester::run_problem(isa.c_str(), p);
              }
}

TEST(grouped_weights) {
  for (const std::string& isa : simd_paths())
    for (size_t g : {1, 3, 4, 16, 32, 33, 64, 128})
      for (size_t k : {31, 64, 130, 256}) {
        // GEMM tiles of every height up to 6 (3; 6 + 2; 6 + 4; 6 + 6 + 1; 6 + 6 + 5), on one panel
        // or three with a narrow last one.
        for (size_t m : {3, 8, 10, 13, 17}) {
          Problem p = variant(m, m % 2 ? 19 : 130, k, 5);
          p.group_size = g;
          tester::run_problem(isa.c_str(), p);
        }
        // GEMV tiles (M <= 2), whose f32 outputs may run every group in one kernel call; one panel
        // or three with a narrow last one.
        for (size_t m : {1, 2})
          for (size_t n : {19, 130}) {
            Problem q = variant(m, n, k, 6 + g);
            q.group_size = g;
            tester::run_problem(isa.c_str(), q);
          }
      }
}

#if defined(__x86_64__)
TEST(amx_peak_probe_faults_nowhere) {
  // The bench's AMX roofline loop, on the model: its configuration and tile shapes are valid.
  const bool counted = ei8::amx_soft_kernel::dot_peak(3) == 3 * 4 * 16 * 16 * 64;
  check::record(counted, __FILE__, __LINE__, "amx dot_peak MAC count");
}
#endif

TEST(every_available_path_ran) {
  // The gate: a path usable on this CPU that the grid never exercised fails the run.
  for (const std::string& isa : simd_paths()) {
    const bool ran = ei8_isa_calls(isa.c_str()) > 0;
    check::record(ran, __FILE__, __LINE__, "path " + isa + " never ran");
    std::printf("path %-12s calls %llu\n", isa.c_str(), static_cast<unsigned long long>(ei8_isa_calls(isa.c_str())));
  }
  std::printf("cpu %s: %s\n", ei8_cpu_arch(), ei8_cpu_features());
}

TEST_MAIN()
