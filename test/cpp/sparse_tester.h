// The sparse differential tester: one pruned weight matrix packed sparse and dense; every output
// kind through a sparse kernel path must equal the dense reference on the same weights, byte for byte.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "check.h"
#include "edge_int8.h"
#include "gemm_tester.h"
#include "sparse/sparse.h"

namespace sparse_tester {

using tester::Rng;

// Sell: unstructured weights packed as SELL (the others: CSR, N:M, BSR).
enum class Pattern { Unstructured, NM, Block, Sell };

struct SparseProblem {
  size_t m = 1, n = 1, k = 1;
  Pattern pattern = Pattern::Unstructured;
  uint32_t r = 1, c = 1;    // Block
  uint32_t nn = 2, mm = 4;  // NM
  int sparsity = 50;        // percent of zeros for Unstructured / Block (NM: extra zeros on top)
  ei8_dtype a_dtype = EI8_INT8, b_dtype = EI8_INT8;
  ei8_layout layout = EI8_LAYOUT_KN;
  bool per_column = true;
  bool extremes = false;  // weights and activations at the ends of their ranges
  bool narrow = false;    // no w = B - zb equals -128 (the paths' narrow kernels serve such weights)
  bool auto_format = false;
  size_t threads = 1;
  uint64_t seed = 1;

  std::string describe() const {
    char buf[256];
    const char* pat = pattern == Pattern::NM      ? "nm"
                      : pattern == Pattern::Block ? "block"
                      : pattern == Pattern::Sell  ? "sell"
                                                  : "csr";
    std::snprintf(buf, sizeof(buf), "%s r=%u c=%u nm=%u:%u sp=%d m=%zu n=%zu k=%zu a=%s b=%s %s zb=%s ext=%d narrow=%d auto=%d threads=%zu",
                  pat, r, c, nn, mm, sparsity, m, n, k, a_dtype == EI8_INT8 ? "s8" : "u8",
                  b_dtype == EI8_INT8 ? "s8" : "u8", layout == EI8_LAYOUT_KN ? "kn" : "nk",
                  per_column ? "col" : "tensor", int(extremes), int(narrow), int(auto_format), threads);
    return buf;
  }
};

// Canonical keep-mask [n][k] for the pattern.
inline std::vector<uint8_t> make_mask(const SparseProblem& p, Rng& r) {
  std::vector<uint8_t> keep(p.n * p.k, 0);
  if (p.pattern == Pattern::NM) {
    if (p.sparsity >= 100) return keep;
    for (size_t n = 0; n < p.n; ++n)
      for (size_t k0 = 0; k0 < p.k; k0 += p.mm) {
        const size_t len = std::min<size_t>(p.mm, p.k - k0);
        std::vector<size_t> pos(len);
        for (size_t i = 0; i < len; ++i) pos[i] = i;
        for (size_t i = len; i > 1; --i) std::swap(pos[i - 1], pos[r.next() % i]);
        const size_t kept = r.chance(10) ? r.next() % (p.nn + 1) : p.nn;  // sometimes fewer than N
        for (size_t i = 0; i < std::min(len, kept); ++i) keep[n * p.k + k0 + pos[i]] = 1;
      }
    return keep;
  }
  const uint32_t br = p.pattern == Pattern::Block ? p.r : 1, bc = p.pattern == Pattern::Block ? p.c : 1;
  for (size_t n0 = 0; n0 < p.n; n0 += br)
    for (size_t k0 = 0; k0 < p.k; k0 += bc) {
      if (r.range(0, 99) < p.sparsity) continue;
      for (size_t n = n0; n < std::min<size_t>(p.n, n0 + br); ++n)
        for (size_t k = k0; k < std::min<size_t>(p.k, k0 + bc); ++k) keep[n * p.k + k] = 1;
    }
  return keep;
}

using Paths = std::vector<const ei8::sparse::SparseKernels*>;

// Comparisons run per kernel table, counted here: the API counts only the tables of
// ei8::sparse::kernel_paths() (ei8_sparse_isa_calls), not the ones a test adds (avxvnni-evex).
inline std::map<const ei8::sparse::SparseKernels*, uint64_t>& table_runs() {
  static std::map<const ei8::sparse::SparseKernels*, uint64_t> runs;
  return runs;
}

// Runs every output kind on each of `paths` (null: the sparse reference) against the dense reference,
// which runs once per output kind (it is most of the tester's time); returns false on any difference.
inline bool run_problem(const Paths& paths, const SparseProblem& p) {
  Rng r(p.seed * 1000003 + p.m * 7919 + p.n * 131 + p.k);
  int32_t blo, bhi, alo, ahi;
  tester::type_range(p.b_dtype, blo, bhi);
  tester::type_range(p.a_dtype, alo, ahi);
  const size_t n_params = p.per_column ? p.n : 1;
  std::vector<int32_t> zb(n_params);
  std::vector<float> sb(n_params);
  for (size_t i = 0; i < n_params; ++i) {
    // w = B - zb must fit int8: the zero point at the middle or, sometimes, anywhere in the range.
    zb[i] = r.chance(60) ? (p.b_dtype == EI8_INT8 ? 0 : 128) : r.range(blo, bhi);
    sb[i] = std::ldexp(1.0f + static_cast<float>(r.range(0, 1000)) / 1000.0f, r.range(-12, -4));
  }
  const std::vector<uint8_t> keep = make_mask(p, r);
  std::vector<uint8_t> b(p.k * p.n), a(p.m * p.k);
  for (size_t n = 0; n < p.n; ++n) {
    const int32_t z = zb[p.per_column ? n : 0];
    const int32_t lo = std::max(blo, z - (p.narrow ? 127 : 128)), hi = std::min(bhi, z + 127);
    for (size_t k = 0; k < p.k; ++k) {
      int32_t v = z;
      if (keep[n * p.k + k]) {
        v = p.extremes || r.chance(10) ? (r.chance(50) ? lo : hi) : r.range(lo, hi);
        if (v == z && r.chance(50)) v = z == hi ? lo : hi;  // kept weights are mostly non-zero
      }
      const size_t at = p.layout == EI8_LAYOUT_KN ? k * p.n + n : n * p.k + k;
      b[at] = static_cast<uint8_t>(v);
    }
  }
  for (auto& x : a) x = static_cast<uint8_t>(p.extremes ? (r.chance(50) ? alo : ahi) : r.range(alo, ahi));
  const int32_t za = r.chance(30) ? (r.chance(50) ? alo : ahi) : r.range(alo, ahi);
  const float sa = std::ldexp(1.0f + static_cast<float>(r.range(0, 1000)) / 1000.0f, r.range(-8, -2));
  std::vector<int32_t> bias_i(p.n);
  std::vector<float> bias_f(p.n);
  for (size_t j = 0; j < p.n; ++j) {
    bias_i[j] = r.range(-20000, 20000);
    bias_f[j] = static_cast<float>(r.range(-1000, 1000)) / 64.0f;
  }

  ei8_sparse_options opts{};
  if (p.auto_format) {
    opts.format = EI8_SPARSE_AUTO;
  } else if (p.pattern == Pattern::NM) {
    opts = {EI8_SPARSE_NM, 0, 0, p.nn, p.mm, 0};
  } else if (p.pattern == Pattern::Block) {
    opts = {EI8_SPARSE_BSR, p.r, p.c, 0, 0, 0};
  } else if (p.pattern == Pattern::Sell) {
    opts.format = EI8_SPARSE_SELL;
  } else {
    opts.format = EI8_SPARSE_CSR;
  }
  ei8_set_isa("ref");
  ei8_sparse* s = nullptr;
  ei8_packed* d = nullptr;
  const ei8_status ps = ei8_pack_sparse(b.data(), p.b_dtype, p.layout, p.k, p.n, zb.data(), sb.data(), n_params, &opts, &s);
  const ei8_status pd = ei8_pack_weights(b.data(), p.b_dtype, p.layout, p.k, p.n, zb.data(), sb.data(), n_params, 0, &d);
  if (ps != EI8_OK || pd != EI8_OK) {
    check::record(false, __FILE__, __LINE__, "pack failed (" + std::to_string(ps) + "): " + p.describe());
    ei8_sparse_release(s);
    ei8_packed_release(d);
    return false;
  }
  const ei8_activations act{a.data(), p.a_dtype, p.m, p.k, p.k, &za, 1};
  const size_t mn = p.m * p.n;
  bool ok = true;
  // Set once per problem: changing the count starts or joins pool threads (slow under emulation).
  // The dense reference runs on one thread whatever the count.
  ei8_set_threads(p.threads);
  auto compare = [&](const char* what, auto&& sparse_run, auto&& dense_run) {
    const size_t guard = 64;
    std::vector<uint8_t> want(mn * 4 + guard, 0xAB);
    ei8_set_isa("ref");
    const ei8_status s2 = dense_run(want.data());
    for (const auto* kernels : paths) {
      std::vector<uint8_t> got(want.size(), 0xAB);
      ei8::sparse::force_kernels(kernels);
      ++table_runs()[kernels];
      const ei8_status s1 = sparse_run(got.data());
      ei8::sparse::force_kernels(nullptr);
      bool guard_ok = true;
      for (size_t i = mn * 4; i < got.size(); ++i) guard_ok = guard_ok && got[i] == 0xAB;
      if (s1 != s2 || got != want || !guard_ok) {
        size_t at = 0;
        while (at < got.size() && got[at] == want[at]) ++at;
        const std::string isa = kernels ? kernels->isa : "ref";
        check::record(false, __FILE__, __LINE__,
                      isa + " " + what + " differs from the dense ref at byte " + std::to_string(at) + " (" +
                          std::to_string(s1) + "/" + std::to_string(s2) + "): " + p.describe());
        ok = false;
      } else {
        check::record(true, __FILE__, __LINE__, "");
      }
    }
  };

  compare("i32", [&](uint8_t* o) { return ei8_sparse_matmul_i32(&act, s, reinterpret_cast<int32_t*>(o)); },
          [&](uint8_t* o) { return ei8_matmul_i32(&act, d, reinterpret_cast<int32_t*>(o)); });
  std::vector<int32_t> acc(mn);
  ei8_set_isa("ref");
  ei8_matmul_i32(&act, d, acc.data());
  int64_t peak = 1;
  for (int32_t v : acc) peak = std::max<int64_t>(peak, std::llabs(v));
  const float sy = static_cast<float>(peak) * sa * sb[0] / 110.0f;
  for (int variant = 0; variant < 4; ++variant) {
    ei8_requant rq{};
    rq.a_scale = sa;
    rq.out_scale = sy > 0 ? sy : 1.0f;
    rq.out_dtype = variant & 1 ? EI8_UINT8 : EI8_INT8;
    rq.rounding = variant & 2 ? EI8_ROUND_FIXEDPOINT : EI8_ROUND_FLOAT;
    int32_t lo, hi;
    tester::type_range(rq.out_dtype, lo, hi);
    rq.out_zero_point = r.range(lo, hi);
    rq.bias = r.chance(50) ? bias_i.data() : nullptr;
    rq.clamp_min = r.chance(30) ? r.range(lo, (lo + hi) / 2) : lo;
    rq.clamp_max = r.chance(30) ? r.range((lo + hi) / 2 + 1, hi) : hi;
    compare(variant & 2 ? "requant-fixedpoint" : "requant-float",
            [&](uint8_t* o) { return ei8_sparse_matmul_requant(&act, s, &rq, o); },
            [&](uint8_t* o) { return ei8_matmul_requant(&act, d, &rq, o); });
  }
  const float* bias = r.chance(50) ? bias_f.data() : nullptr;
  compare("dequant",
          [&](uint8_t* o) { return ei8_sparse_matmul_dequant(&act, &sa, 1, s, bias, reinterpret_cast<float*>(o)); },
          [&](uint8_t* o) { return ei8_matmul_dequant(&act, &sa, 1, d, bias, reinterpret_cast<float*>(o)); });
  std::vector<float> af(p.m * p.k);
  for (size_t i = 0; i < af.size(); ++i) af[i] = static_cast<float>(static_cast<int32_t>(a[i]) - 100) * 0.37f;
  for (int per_token = 0; per_token < 2; ++per_token) {
    compare(per_token ? "f32-per-token" : "f32-per-tensor",
            [&](uint8_t* o) { return ei8_sparse_matmul_f32(af.data(), p.m, p.k, per_token, s, bias, reinterpret_cast<float*>(o), nullptr); },
            [&](uint8_t* o) { return ei8_matmul_f32(af.data(), p.m, p.k, per_token, d, bias, reinterpret_cast<float*>(o), nullptr); });
  }
  ei8_sparse_release(s);
  ei8_packed_release(d);
  ei8_set_isa("auto");
  ei8_set_threads(1);
  return ok;
}

}  // namespace sparse_tester
