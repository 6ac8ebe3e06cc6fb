// Every sparse kernel path this CPU can run (and the sparse reference), against the dense reference
// on the same pruned weights, byte for byte: patterns x sparsities (0, 50, 90, 100 %) x shapes with
// tails x dtypes and zero points x every output kind. Fails if a sparse path this CPU supports never ran.
#include <cstdio>
#include <cstring>

#include "dispatch/cpu_features.h"
#include "sparse/kernels_portable.h"
#include "sparse/sparse_isa.h"
#include "sparse_tester.h"

using sparse_tester::Pattern;
using sparse_tester::SparseProblem;

#if defined(__x86_64__) || defined(_M_X64)
namespace ei8::avxvnni_evex {
extern const ei8::sparse::SparseKernels kSparse;
}
#endif

// The sparse paths this CPU runs, and where it has AVX-512 VNNI but no AVX-VNNI, the AVX-VNNI
// path's kernels on the EVEX form of their instruction (avxvnni_evex_sparse.cc, "avxvnni-evex").
static std::vector<const ei8::sparse::SparseKernels*> cpu_paths() {
  std::vector<const ei8::sparse::SparseKernels*> out = ei8::sparse::kernel_paths();
#if defined(__x86_64__) || defined(_M_X64)
  const ei8::CpuFeatures& f = ei8::cpu_features();
  if (!f.avxvnni && f.avx2 && f.avx512f && f.avx512vl && f.avx512vnni) out.push_back(&ei8::avxvnni_evex::kSparse);
#endif
  return out;
}

// nullptr first: the sparse reference itself. Every problem runs on all of them. Where the CPU has
// VBMI, avx512vnni's own table (SELL by lookups, what a CPU without VBMI runs) runs too.
static sparse_tester::Paths paths() {
  sparse_tester::Paths out{nullptr};
  for (const auto* k : cpu_paths()) {
    out.push_back(k);
#if defined(__x86_64__) || defined(_M_X64)
    if (std::strcmp(k->isa, "avx512vnni") == 0 && k->sell_rows != ei8::avx512vnni::kSparse.sell_rows)
      out.push_back(&ei8::avx512vnni::kSparse);
#endif
  }
  return out;
}

struct Shape {
  Pattern pattern;
  uint32_t r, c, nn, mm;
};

static const Shape kShapes[] = {
    {Pattern::Unstructured, 1, 1, 0, 0}, {Pattern::NM, 0, 0, 2, 4}, {Pattern::NM, 0, 0, 1, 4},
    {Pattern::NM, 0, 0, 4, 8},          {Pattern::NM, 0, 0, 1, 2}, {Pattern::NM, 0, 0, 2, 8},
    {Pattern::Block, 1, 4, 0, 0},       {Pattern::Block, 4, 1, 0, 0}, {Pattern::Block, 1, 16, 0, 0},
    {Pattern::Block, 4, 4, 0, 0},       {Pattern::Block, 2, 8, 0, 0}, {Pattern::Block, 2, 3, 0, 0},
    {Pattern::Block, 16, 1, 0, 0},      {Pattern::Block, 1, 64, 0, 0}, {Pattern::Block, 8, 4, 0, 0},
    {Pattern::Block, 4, 8, 0, 0},       {Pattern::Block, 2, 16, 0, 0}, {Pattern::Block, 4, 16, 0, 0},
    {Pattern::Block, 2, 1, 0, 0},       {Pattern::Block, 3, 1, 0, 0},  {Pattern::Sell, 1, 1, 0, 0},
};

static SparseProblem make(const Shape& sh, size_t m, size_t n, size_t k, int sparsity, uint64_t seed) {
  tester::Rng r(seed * 31 + m * 7 + n * 3 + k);
  SparseProblem p;
  p.pattern = sh.pattern;
  p.r = sh.r;
  p.c = sh.c;
  p.nn = sh.nn;
  p.mm = sh.mm;
  p.m = m;
  p.n = n;
  p.k = k;
  p.sparsity = sparsity;
  p.seed = seed;
  p.a_dtype = r.chance(50) ? EI8_INT8 : EI8_UINT8;
  p.b_dtype = r.chance(70) ? EI8_INT8 : EI8_UINT8;
  p.layout = r.chance(50) ? EI8_LAYOUT_KN : EI8_LAYOUT_NK;
  p.per_column = r.chance(70);
  p.extremes = r.chance(20);
  p.narrow = r.chance(40);
  p.threads = r.chance(25) ? 2 : 1;
  return p;
}

TEST(patterns_x_sparsities_x_tails) {
  const size_t ks[] = {1, 3, 4, 5, 17, 64, 65, 130};
  const size_t ns[] = {1, 15, 16, 17, 33};
  const int sparsities[] = {0, 50, 90, 100};
  for (const Shape& sh : kShapes)
    for (int sp : sparsities)
      for (size_t k : ks)
        for (size_t n : ns) sparse_tester::run_problem(paths(), make(sh, 1 + (k + n) % 5, n, k, sp, 1));
}

TEST(rows_sweep_gemv_small_batch_and_large) {
  const size_t ms[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 65, 100};
  for (const Shape& sh : kShapes)
    for (size_t m : ms) sparse_tester::run_problem(paths(), make(sh, m, 67, 131, m % 2 ? 50 : 90, 2));
}

TEST(deep_k_and_large_shapes) {
  for (const Shape& sh : kShapes) {
    sparse_tester::run_problem(paths(), make(sh, 1, 131, 4099, 90, 3));
    sparse_tester::run_problem(paths(), make(sh, 20, 70, 1031, 75, 3));
    // A GEMV whose one call holds over 256 KB of values: zmm reads such a range as two prefetched
    // streams (bsr_chunks), split where half the blocks lie; an odd number of block rows.
    sparse_tester::run_problem(paths(), make(sh, 1, 2050, 1031, 75, 8));
  }
}

TEST(two_threads_row_blocks) {
  // Large enough for the driver to use both threads, each building its own copy of A's row blocks:
  // one row block (M = 64; M = 9 in groups of 4 rows, the last one partial) and several (M = 130).
  for (const Shape& sh : kShapes)
    for (size_t m : {9, 64, 130}) {
      SparseProblem p = m == 9    ? make(sh, m, 40, 8201, 50, 6)
                        : m == 64 ? make(sh, m, 40, 1031, 50, 6)
                                  : make(sh, m, 70, 600, 50, 6);
      p.threads = 2;
      sparse_tester::run_problem(paths(), p);
    }
}

TEST(wide_tiles_written_in_place) {
  // Rows that fit one kernel call get tiles of 4096 / M outputs, and int32 results are written
  // straight into the output except in the tile at the end of N: several such tiles, a tail that is
  // not a whole block row, one and two threads (K large enough for the driver to use both).
  // The driver's logic depends on the column unit (block rows of r outputs, N:M panels of 16) and on
  // the kernel family, not on every shape: a subset keeps this affordable under emulation.
  const Shape shapes[] = {
      {Pattern::Unstructured, 1, 1, 0, 0}, {Pattern::NM, 0, 0, 2, 4},    {Pattern::Block, 1, 16, 0, 0},
      {Pattern::Block, 4, 4, 0, 0},       {Pattern::Block, 2, 8, 0, 0}, {Pattern::Block, 2, 3, 0, 0},
      {Pattern::Block, 8, 4, 0, 0},       {Pattern::Sell, 1, 1, 0, 0}};
  for (const Shape& sh : shapes)
    for (size_t m : {1, 3, 12})
      for (size_t threads : {1, 2}) {
        SparseProblem p = make(sh, m, 2 * (4096 / m) + 7, threads == 1 ? 37 : 300, 75, 7);
        p.threads = threads;
        sparse_tester::run_problem(paths(), p);
      }
}

TEST(extremes_every_dtype_pair) {
  // -128/127 (0/255) in both operands, zero points at the ends: exactness for every input; and the
  // same with w = B - zb at -127 rather than -128, the narrow kernels' extremes.
  for (const Shape& sh : kShapes)
    for (ei8_dtype ad : {EI8_INT8, EI8_UINT8})
      for (ei8_dtype bd : {EI8_INT8, EI8_UINT8})
        for (size_t m : {1, 5, 24})
          for (bool narrow : {false, true}) {
            SparseProblem p = make(sh, m, 35, 257, 50, 4);
            p.a_dtype = ad;
            p.b_dtype = bd;
            p.extremes = true;
            p.narrow = narrow;
            sparse_tester::run_problem(paths(), p);
          }
}

TEST(auto_format_choice_is_exact) {
  for (const Shape& sh : kShapes)
    for (int sp : {0, 50, 90, 100}) {
      SparseProblem p = make(sh, 3, 40, 96, sp, 5);
      p.auto_format = true;
      sparse_tester::run_problem(paths(), p);
    }
}

TEST(auto_picks_the_structure) {
  // 2:4 weights pack as N:M, 4x4 blocks as BSR, an all-zero matrix as a sparse format, dense as dense.
  auto pack = [](SparseProblem p) {
    tester::Rng r(9);
    const std::vector<uint8_t> keep = sparse_tester::make_mask(p, r);
    std::vector<int8_t> b(p.n * p.k);
    for (size_t i = 0; i < b.size(); ++i) b[i] = keep[i] ? static_cast<int8_t>(1 + r.range(0, 100)) : 0;
    const int32_t zb = 0;
    const float sb = 1.0f;
    ei8_sparse_options o{};
    ei8_sparse* s = nullptr;
    ei8_pack_sparse(b.data(), EI8_INT8, EI8_LAYOUT_NK, p.k, p.n, &zb, &sb, 1, &o, &s);
    ei8_sparse_format f = EI8_SPARSE_AUTO;
    uint32_t br = 0, bc = 0, nn = 0, mm = 0;
    ei8_sparse_describe(s, &f, &br, &bc, &nn, &mm);
    ei8_sparse_release(s);
    return std::vector<uint32_t>{uint32_t(f), br, bc, nn, mm};
  };
  SparseProblem p;
  p.n = 64;
  p.k = 256;
  p.pattern = Pattern::NM;
  p.nn = 1;
  p.mm = 4;
  CHECK(pack(p) == (std::vector<uint32_t>{EI8_SPARSE_NM, 0, 0, 1, 4}));
  p.pattern = Pattern::Block;
  p.r = 4;
  p.c = 4;
  p.sparsity = 90;
  CHECK(pack(p) == (std::vector<uint32_t>{EI8_SPARSE_BSR, 4, 4, 0, 0}));
  p.sparsity = 100;
  CHECK(pack(p)[0] != EI8_SPARSE_DENSE);
  p.sparsity = 0;
  CHECK(pack(p)[0] == EI8_SPARSE_DENSE);
}

TEST(pack_rejects_what_it_cannot_represent) {
  const int8_t b[8] = {1, 2, 3, 0, 0, 0, 0, 0};  // [N=1, K=8]: three non-zeros in the first 4
  const int32_t zb = 0;
  const float sb = 1.0f;
  ei8_sparse* s = nullptr;
  ei8_sparse_options nm{EI8_SPARSE_NM, 0, 0, 2, 4, 0};
  CHECK_EQ(ei8_pack_sparse(b, EI8_INT8, EI8_LAYOUT_NK, 8, 1, &zb, &sb, 1, &nm, &s), EI8_E_ARG);
  ei8_sparse_options odd{EI8_SPARSE_NM, 0, 0, 3, 4, 0};
  CHECK_EQ(ei8_pack_sparse(b, EI8_INT8, EI8_LAYOUT_NK, 8, 1, &zb, &sb, 1, &odd, &s), EI8_E_ARG);
  const int32_t zb_far = -128;  // 3 - (-128) = 131 does not fit int8
  ei8_sparse_options csr{EI8_SPARSE_CSR, 0, 0, 0, 0, 0};
  CHECK_EQ(ei8_pack_sparse(b, EI8_INT8, EI8_LAYOUT_NK, 8, 1, &zb_far, &sb, 1, &csr, &s), EI8_E_RANGE);
  ei8_sparse_options big{EI8_SPARSE_BSR, 17, 1, 0, 0, 0};
  CHECK_EQ(ei8_pack_sparse(b, EI8_INT8, EI8_LAYOUT_NK, 8, 1, &zb, &sb, 1, &big, &s), EI8_E_ARG);
  std::vector<int8_t> wide(70000);
  CHECK_EQ(ei8_pack_sparse(wide.data(), EI8_INT8, EI8_LAYOUT_NK, 70000, 1, &zb, &sb, 1, &csr, &s), EI8_E_OVERFLOW);
  CHECK(s == nullptr);
}

TEST(every_sparse_path_ran) {
  // The gate: a sparse path usable on this CPU that the grid never exercised fails the run.
  for (const auto* k : cpu_paths()) {
    const bool listed = std::strcmp(k->isa, "avxvnni-evex") != 0;  // avxvnni-evex: the tester's count
    const uint64_t calls = listed ? ei8_sparse_isa_calls(k->isa) : sparse_tester::table_runs()[k];
    check::record(calls > 0, __FILE__, __LINE__, std::string("sparse path ") + k->isa + " never ran");
    std::printf("sparse path %-12s calls %llu\n", k->isa, static_cast<unsigned long long>(calls));
    // A path with narrow kernels ran both tables: weights with -128 and without.
    if (!k->narrow) continue;
    const uint64_t narrow = ei8_sparse_isa_calls((std::string(k->isa) + ":narrow").c_str());
    check::record(narrow > 0 && narrow < calls, __FILE__, __LINE__,
                  std::string("sparse path ") + k->isa + ": narrow kernels ran " + std::to_string(narrow) + " of " +
                      std::to_string(calls) + " calls");
    std::printf("sparse path %-12s narrow kernels' calls %llu\n", k->isa, static_cast<unsigned long long>(narrow));
  }
  CHECK(ei8_sparse_isa_calls("ref") > 0);
  // Every path has a SELL kernel (the grid runs SELL on every path): a portable loop, which 'auto'
  // does not weigh (scalar's, and sse41's with A as uint8), marked kPortable; byte permutes on ARM and
  // on avx512vnni where the CPU has VBMI (that kernel joins the table at run time); lookups on the
  // other x86 paths (ymm or zmm: the cost model tells them apart by sell_gather).
  const bool vbmi = std::strstr(ei8_cpu_features(), "avx512vbmi") != nullptr;
  const bool x86 = std::strcmp(ei8_cpu_arch(), "x64") == 0;  // a build runs one architecture's paths
  using ei8::sparse::SellGather;
  for (const auto* k : cpu_paths()) {
    namespace portable = ei8::sparse::portable;
    const bool simd = k->sell_rows != portable::sell_rows && k->sell_rows != portable::sell_rows_u8;
    const bool permute = !x86 || (vbmi && std::strcmp(k->isa, "avx512vnni") == 0);
    check::record(k->sell_rows != nullptr && (k->sell_gather != SellGather::kPortable) == simd, __FILE__, __LINE__,
                  std::string(k->isa) + "'s SELL kernel");
    check::record(!simd || (k->sell_gather == SellGather::kPermute) == permute, __FILE__, __LINE__,
                  std::string(k->isa) + "'s SELL gather");
  }
  std::printf("cpu %s: %s\n", ei8_cpu_arch(), ei8_cpu_features());
}

TEST_MAIN()
