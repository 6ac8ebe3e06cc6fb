// Codebook (look-up-table) weights: every LUT kernel this CPU can run against the reference, bit for
// bit, for every output kind, on a grid of edge shapes (every row count of every tile, column and k
// tails, groups, 1 and 2 threads); and the reference itself against its definition: decode B to
// int8, pack it with ei8_pack_weights, run the core's reference matmul.
// Fails if a kernel this CPU supports is missing from the table or never ran.
#include <cmath>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "check.h"
#include "edge_int8.h"
#include "edge_int8_codebook.h"
#include "gemm_tester.h"

using tester::Rng;

namespace {

struct CbProblem {
  size_t m = 1, n = 1, k = 1, group_size = 0;
  int books = 1;  // 0: per tensor, 1: per column, 2: per group (needs group_size)
  ei8_dtype a_dtype = EI8_INT8;
  ei8_layout layout = EI8_LAYOUT_KN;
  bool extremes = false;  // A at its type's ends, centroids -128 / 127
  int za_mode = 0;
  bool za_per_row = false;
  size_t threads = 1;
  uint64_t seed = 1;

  std::string describe() const {
    char buf[200];
    std::snprintf(buf, sizeof(buf), "m=%zu n=%zu k=%zu g=%zu books=%d a=%s layout=%s extremes=%d za=%d%s threads=%zu",
                  m, n, k, group_size, books, a_dtype == EI8_INT8 ? "s8" : "u8", layout == EI8_LAYOUT_KN ? "kn" : "nk",
                  int(extremes), za_mode, za_per_row ? " per row" : "", threads);
    return buf;
  }
};

struct Built {
  std::vector<uint8_t> a;
  std::vector<int32_t> za;  // one, or one per row
  std::vector<uint8_t> indices;  // 4-bit, two per byte, in the problem's layout
  std::vector<int8_t> tables;
  std::vector<float> scales;
  size_t n_books = 1;
  std::vector<uint8_t> decoded;  // int8 B in the problem's layout
  ei8_codebook* cb = nullptr;

  ~Built() { ei8_codebook_release(cb); }
};

void build(const CbProblem& p, Built& b) {
  Rng r(p.seed * 1000003 + p.m * 7919 + p.n * 131 + p.k * 31 + p.group_size);
  const size_t groups = p.group_size ? (p.k + p.group_size - 1) / p.group_size : 1;
  b.n_books = p.books == 0 ? 1 : p.books == 1 ? p.n : groups * p.n;
  b.tables.resize(b.n_books * 16);
  for (auto& t : b.tables) t = static_cast<int8_t>(p.extremes ? (r.chance(50) ? -128 : 127) : r.range(-128, 127));
  b.scales.resize(b.n_books);
  for (auto& s : b.scales) s = std::ldexp(1.0f + static_cast<float>(r.range(0, 1000)) / 1000.0f, r.range(-12, -4));
  const size_t count = p.k * p.n;
  b.indices.assign((count + 1) / 2, 0);
  b.decoded.resize(count);
  for (size_t i = 0; i < count; ++i) {
    const uint8_t v = static_cast<uint8_t>(r.range(0, 15));
    b.indices[i / 2] |= static_cast<uint8_t>(i % 2 ? v << 4 : v);
    const size_t kk = p.layout == EI8_LAYOUT_KN ? i / p.n : i % p.k;
    const size_t nn = p.layout == EI8_LAYOUT_KN ? i % p.n : i / p.k;
    const size_t g = p.group_size ? kk / p.group_size : 0;
    const size_t book = p.books == 0 ? 0 : p.books == 1 ? nn : g * p.n + nn;
    b.decoded[i] = static_cast<uint8_t>(b.tables[book * 16 + v]);
  }
  b.a.resize(p.m * p.k);
  int32_t lo, hi;
  ei8_dtype_range(p.a_dtype, 0, &lo, &hi);
  for (auto& x : b.a) x = static_cast<uint8_t>(p.extremes ? (r.chance(50) ? lo : hi) : r.range(lo, hi));
  b.za.resize(p.za_per_row ? p.m : 1);
  for (auto& z : b.za) z = tester::pick_zero_point(r, p.a_dtype, p.za_mode);
  CHECK_EQ(ei8_codebook_pack(b.indices.data(), p.layout, p.k, p.n, b.tables.data(), b.scales.data(), b.n_books,
                             p.group_size, &b.cb), EI8_OK);
}

// Every output kind through the current kernel; out receives the raw bytes of all of them.
void run_all(const CbProblem& p, Built& b, std::vector<uint8_t>& out) {
  out.clear();
  const size_t M = p.m, N = p.n, K = p.k;
  const ei8_activations act{b.a.data(), p.a_dtype, M, K, K, b.za.data(), b.za.size()};
  auto append = [&](const void* data, size_t bytes) {
    const uint8_t* d = static_cast<const uint8_t*>(data);
    out.insert(out.end(), d, d + bytes);
  };
  std::vector<int32_t> i32(M * N);
  CHECK_EQ(ei8_codebook_matmul_i32(&act, b.cb, i32.data()), EI8_OK);
  append(i32.data(), i32.size() * 4);

  std::vector<float> bias(N), f32(M * N);
  for (size_t j = 0; j < N; ++j) bias[j] = static_cast<float>(j) * 0.25f - 1.0f;
  const float sa = 0.02f;
  CHECK_EQ(ei8_codebook_matmul_dequant(&act, &sa, 1, b.cb, bias.data(), f32.data()), EI8_OK);
  append(f32.data(), f32.size() * 4);
  std::vector<float> row_scales(M);
  for (size_t i = 0; i < M; ++i) row_scales[i] = 0.01f + 0.001f * static_cast<float>(i);
  CHECK_EQ(ei8_codebook_matmul_dequant(&act, row_scales.data(), M, b.cb, nullptr, f32.data()), EI8_OK);
  append(f32.data(), f32.size() * 4);

  std::vector<float> x(M * K);
  for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(static_cast<float>(i) * 0.37f) * (i % 17 == 0 ? 9.0f : 1.0f);
  for (int per_token = 0; per_token < 2; ++per_token) {
    size_t bad = 0;
    CHECK_EQ(ei8_codebook_matmul_f32(x.data(), M, K, per_token, b.cb, bias.data(), f32.data(), &bad), EI8_OK);
    append(f32.data(), f32.size() * 4);
  }

  if (p.group_size == 0) {
    // Output scale: typical |acc| * sa * sb / sy near 2^5, so that outputs span the int8 range.
    const float sy = static_cast<float>(std::sqrt(static_cast<double>(K)) * 60.0 * 40.0 * sa * b.scales[0] / 32.0);
    std::vector<int32_t> ibias(N);
    for (size_t j = 0; j < N; ++j) ibias[j] = static_cast<int32_t>(j * 37) - 300;
    for (int rounding = 0; rounding < 2; ++rounding) {
      for (int variant = 0; variant < 3; ++variant) {
        ei8_requant rq{};
        rq.a_scale = sa;
        rq.out_scale = sy;
        rq.out_dtype = variant == 2 ? EI8_UINT8 : EI8_INT8;
        rq.out_zero_point = variant == 2 ? 128 : (variant == 1 ? -5 : 0);
        rq.rounding = static_cast<ei8_rounding>(rounding);
        rq.bias = variant >= 1 ? ibias.data() : nullptr;
        ei8_dtype_range(rq.out_dtype, 0, &rq.clamp_min, &rq.clamp_max);
        if (variant == 1) rq.clamp_min = rq.out_zero_point;  // ReLU
        std::vector<uint8_t> q(M * N);
        CHECK_EQ(ei8_codebook_matmul_requant(&act, b.cb, &rq, q.data()), EI8_OK);
        append(q.data(), q.size());
      }
    }
  }
}

std::vector<std::string> kernels() {
  std::vector<std::string> out;
  for (size_t i = 0; i < ei8_codebook_kernel_count(); ++i) out.push_back(ei8_codebook_kernel_name(i));
  return out;
}

// Each kernel against the reference on one problem.
void differential(const CbProblem& p) {
  Built b;
  build(p, b);
  if (!b.cb) return;
  ei8_set_threads(p.threads);
  std::vector<uint8_t> want, got;
  CHECK_EQ(ei8_codebook_set_kernel("ref"), EI8_OK);
  run_all(p, b, want);
  for (const std::string& k : kernels()) {
    if (k == "ref") continue;
    CHECK_EQ(ei8_codebook_set_kernel(k.c_str()), EI8_OK);
    run_all(p, b, got);
    const bool same = got == want;
    check::record(same, __FILE__, __LINE__, k + ": " + p.describe());
  }
  ei8_codebook_set_kernel("auto");
  ei8_set_threads(1);
}

CbProblem variant(size_t m, size_t n, size_t k, size_t group_size, uint64_t seed) {
  Rng r(seed * 31 + m * 7 + n * 13 + k * 17 + group_size);
  CbProblem p;
  p.m = m;
  p.n = n;
  p.k = k;
  p.group_size = group_size;
  p.books = group_size ? 2 : r.range(0, 1);
  p.a_dtype = r.chance(50) ? EI8_INT8 : EI8_UINT8;
  p.layout = r.chance(50) ? EI8_LAYOUT_KN : EI8_LAYOUT_NK;
  p.extremes = r.chance(25);
  p.za_mode = r.range(0, 3);
  p.za_per_row = r.chance(25);
  p.threads = r.chance(25) ? 2 : 1;
  p.seed = seed;
  return p;
}

const size_t kDepths[] = {1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 95, 96, 97, 127, 128, 129, 257};

}  // namespace

TEST(codebook_m_sweep_every_depth) {
  for (size_t k : kDepths)
    for (size_t m = 1; m <= 17; ++m) differential(variant(m, 9, k, 0, 1));
}

TEST(codebook_n_sweep_tails) {
  for (size_t n : {1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 33, 67})
    for (size_t m : {1, 2, 3, 5})
      for (size_t k : {1, 33, 64, 100}) differential(variant(m, n, k, 0, 2));
}

TEST(codebook_groups) {
  for (size_t g : {1, 7, 16, 32, 48, 64, 96, 128})
    for (size_t k : {1, 31, 32, 33, 64, 100, 128, 129, 256, 300})
      for (size_t m : {1, 4, 6, 9, 17}) differential(variant(m, 6, k, g, 3));
}

TEST(codebook_deep_k_and_large_shapes) {
  differential(variant(1, 67, 4099, 0, 4));
  differential(variant(3, 33, 11008, 0, 4));
  differential(variant(1, 131, 4096, 128, 4));
  differential(variant(64, 40, 1031, 0, 4));
  differential(variant(37, 70, 512, 64, 4));
  CbProblem big = variant(70, 132, 700, 0, 4);
  big.threads = 2;
  differential(big);
}

// Two threads split the columns, and the rows when there are fewer panels than tasks: row tiles
// then start inside the matrix (at multiples of the kernel's rows, even for paired rows).
TEST(codebook_two_threads_split_rows) {
  for (size_t m : {9, 23, 37})
    for (size_t n : {3, 5, 8})
      for (size_t g : {0, 64}) {
        // Past the driver's threshold for using the worker threads (2^18 multiply-adds).
        CbProblem p = variant(m, n, 300000 / (m * n) + 33, g, 5);
        p.threads = 2;
        differential(p);
      }
}

// The reference is "decode, then the core's integer matmul": check it against exactly that, through
// the public API with the decoded weights packed as int8 with zero point 0.
TEST(codebook_reference_is_decode_then_integer_matmul) {
  ei8_set_isa("ref");
  ei8_codebook_set_kernel("ref");
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    Rng r(seed);
    CbProblem p = variant(static_cast<size_t>(r.range(1, 9)), static_cast<size_t>(r.range(1, 11)),
                          static_cast<size_t>(r.range(1, 200)), seed % 3 == 0 ? static_cast<size_t>(r.range(1, 70)) : 0, seed);
    Built b;
    build(p, b);
    // Parameters for ei8_pack_weights: n_params 1, N or groups * N (index g * N + n), as the books.
    std::vector<int32_t> zp(b.n_books, 0);
    std::vector<float> scale(b.scales);
    ei8_packed* w = nullptr;
    CHECK_EQ(ei8_pack_weights(b.decoded.data(), EI8_INT8, p.layout, p.k, p.n, zp.data(), scale.data(), b.n_books,
                              p.group_size, &w), EI8_OK);
    const ei8_activations act{b.a.data(), p.a_dtype, p.m, p.k, p.k, b.za.data(), b.za.size()};
    std::vector<int32_t> c1(p.m * p.n), c2(p.m * p.n);
    CHECK_EQ(ei8_matmul_i32(&act, w, c1.data()), EI8_OK);
    CHECK_EQ(ei8_codebook_matmul_i32(&act, b.cb, c2.data()), EI8_OK);
    CHECK(c1 == c2);
    std::vector<float> f1(p.m * p.n), f2(p.m * p.n);
    const float sa = 0.03f;
    CHECK_EQ(ei8_matmul_dequant(&act, &sa, 1, w, nullptr, f1.data()), EI8_OK);
    CHECK_EQ(ei8_codebook_matmul_dequant(&act, &sa, 1, b.cb, nullptr, f2.data()), EI8_OK);
    CHECK(std::memcmp(f1.data(), f2.data(), f1.size() * 4) == 0);
    if (!p.group_size) {
      ei8_requant rq{};
      rq.a_scale = sa;
      rq.out_scale = 0.5f;
      rq.out_dtype = EI8_INT8;
      rq.rounding = seed % 2 ? EI8_ROUND_FLOAT : EI8_ROUND_FIXEDPOINT;
      rq.clamp_min = -128;
      rq.clamp_max = 127;
      std::vector<int8_t> q1(p.m * p.n), q2(p.m * p.n);
      CHECK_EQ(ei8_matmul_requant(&act, w, &rq, q1.data()), EI8_OK);
      CHECK_EQ(ei8_codebook_matmul_requant(&act, b.cb, &rq, q2.data()), EI8_OK);
      CHECK(q1 == q2);
    }
    ei8_packed_release(w);
  }
  ei8_set_isa("auto");
  ei8_codebook_set_kernel("auto");
}

TEST(codebook_rejects_bad_arguments) {
  const uint8_t idx[8] = {};
  const int8_t tables[32] = {};
  const float scales[2] = {1.0f, 1.0f};
  const float bad_scales[2] = {1.0f, NAN};
  ei8_codebook* cb = nullptr;
  CHECK_EQ(ei8_codebook_pack(idx, EI8_LAYOUT_KN, 4, 2, tables, scales, 3, 0, &cb), EI8_E_ARG);
  CHECK_EQ(ei8_codebook_pack(idx, EI8_LAYOUT_KN, 4, 2, tables, bad_scales, 2, 0, &cb), EI8_E_RANGE);
  CHECK_EQ(ei8_codebook_pack(idx, EI8_LAYOUT_KN, 0, 2, tables, scales, 1, 0, &cb), EI8_E_ARG);
  CHECK_EQ(ei8_codebook_pack(idx, EI8_LAYOUT_KN, 4, 2, tables, scales, 2, 3, &cb), EI8_E_ARG);  // needs 2 groups x 2
  CHECK(cb == nullptr);
  CHECK_EQ(ei8_codebook_pack(idx, EI8_LAYOUT_KN, 4, 2, tables, scales, 2, 0, &cb), EI8_OK);
  const int32_t za = 0;
  const uint8_t a[4] = {};
  int32_t out[2];
  const ei8_activations wrong_k{a, EI8_INT8, 1, 3, 3, &za, 1};
  CHECK_EQ(ei8_codebook_matmul_i32(&wrong_k, cb, out), EI8_E_ARG);
  CHECK_EQ(ei8_codebook_set_kernel("no-such-kernel"), EI8_E_ISA);
  ei8_codebook_release(cb);
  // K beyond the exact-int32 bound for uint8 A with zero point 0 (|A - za| <= 255, |B| <= 128).
  const size_t k = 2147483647 / (255 * 128) + 1;
  std::vector<uint8_t> big_idx((k + 1) / 2, 0);
  CHECK_EQ(ei8_codebook_pack(big_idx.data(), EI8_LAYOUT_NK, k, 1, tables, scales, 1, 0, &cb), EI8_OK);
  std::vector<uint8_t> big_a(k, 0);
  const ei8_activations deep{big_a.data(), EI8_UINT8, 1, k, k, &za, 1};
  CHECK_EQ(ei8_codebook_matmul_i32(&deep, cb, out), EI8_E_OVERFLOW);
  ei8_codebook_release(cb);
}

// The kernel paths that have a look-up-table kernel of their own on this architecture (its table
// entry is named after the path and needs that path's CPU features).
std::vector<std::string> paths_with_lut_kernel() {
#if defined(__x86_64__) || defined(_M_X64)
  return {"scalar", "avx2", "avx512vnni"};
#elif defined(__aarch64__)
  return {"scalar", "neon", "dotprod", "i8mm"};
#else
  return {"scalar"};
#endif
}

bool has(const std::vector<std::string>& list, const std::string& s) {
  for (const std::string& x : list)
    if (x == s) return true;
  return false;
}

// The kernel follows the path: "ref" runs the reference; a path with its own kernel runs it;
// another path runs the best kernel below it. Every path this CPU supports that has a kernel of
// its own must find it in the table (a kernel left out of the table, or admitted by stricter CPU
// features than its path, fails here).
TEST(codebook_kernel_follows_the_path) {
  const std::vector<std::string> lut = kernels();
  CHECK(lut.front() == "ref");
  for (size_t i = 0; i < ei8_isa_count(); ++i) {
    const std::string isa = ei8_isa_name(i);
    CHECK_EQ(ei8_set_isa(isa.c_str()), EI8_OK);
    const std::string current = ei8_codebook_kernel_current();
    if (isa == "ref")
      check::record(current == "ref", __FILE__, __LINE__, "path ref runs codebook kernel " + current);
    else if (has(paths_with_lut_kernel(), isa))
      check::record(current == isa && has(lut, isa), __FILE__, __LINE__, "path " + isa + " runs codebook kernel " + current);
    else
      check::record(current != "ref", __FILE__, __LINE__, "path " + isa + " runs the codebook reference");
  }
  ei8_set_isa("auto");
  CHECK(std::string(ei8_codebook_kernel_current()) == lut.back());
}

// The gate: every kernel this CPU supports must have run (DESIGN.md section 5).
TEST(codebook_every_supported_kernel_ran) {
  for (const std::string& k : kernels()) {
    const bool ran = ei8_codebook_kernel_calls(k.c_str()) > 0;
    check::record(ran, __FILE__, __LINE__, "kernel " + k + " never ran");
    std::printf("  codebook kernel %-12s %llu calls\n", k.c_str(), static_cast<unsigned long long>(ei8_codebook_kernel_calls(k.c_str())));
  }
}

TEST_MAIN()
