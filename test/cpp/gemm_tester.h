// The differential tester: runs one matmul problem through a kernel path and through the
// reference, for every output kind, and requires identical bytes. Used by every kernel family.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "check.h"
#include "edge_int8.h"

namespace tester {

// Deterministic generator (splitmix64).
struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed) {}
  uint64_t next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  int32_t range(int32_t lo, int32_t hi) { return lo + static_cast<int32_t>(next() % uint64_t(hi - lo + 1)); }
  bool chance(int percent) { return range(0, 99) < percent; }
};

// NarrowRandom / NarrowExtremes: weights never at the type minimum ("narrow" weights, which some
// kernels multiply two at a time into int16: NarrowExtremes is their worst case, A at both ends of
// its range against weights at -127 / 127).
enum class Fill { Random, Extremes, NarrowRandom, NarrowExtremes };

struct Problem {
  size_t m = 1, n = 1, k = 1, group_size = 0;
  ei8_dtype a_dtype = EI8_INT8, b_dtype = EI8_INT8;
  ei8_layout layout = EI8_LAYOUT_KN;
  Fill fill = Fill::Random;
  int za_mode = 0;       // 0: zero, 1: type min, 2: type max, 3: random
  int zb_mode = 0;       // 0: zero per tensor, 1: extreme per tensor, 2: random per column (groups)
  size_t row_pad = 0;    // A's row stride is k + row_pad (rows then start at any alignment)
  size_t threads = 1;
  uint64_t seed = 1;

  std::string describe() const {
    char buf[200];
    std::snprintf(buf, sizeof(buf), "m=%zu n=%zu k=%zu g=%zu a=%s b=%s layout=%s fill=%d za=%d zb=%d pad=%zu threads=%zu",
                  m, n, k, group_size, a_dtype == EI8_INT8 ? "s8" : "u8", b_dtype == EI8_INT8 ? "s8" : "u8",
                  layout == EI8_LAYOUT_KN ? "kn" : "nk", int(fill), za_mode, zb_mode, row_pad, threads);
    return buf;
  }
};

inline void type_range(ei8_dtype dt, int32_t& lo, int32_t& hi) { ei8_dtype_range(dt, 0, &lo, &hi); }

inline int32_t pick_zero_point(Rng& r, ei8_dtype dt, int mode) {
  int32_t lo, hi;
  type_range(dt, lo, hi);
  switch (mode) {
    case 0: return dt == EI8_INT8 ? 0 : 128;
    case 1: return r.chance(50) ? lo : hi;
    default: return r.range(lo, hi);
  }
}

inline void fill_bytes(Rng& r, std::vector<uint8_t>& v, ei8_dtype dt, Fill fill) {
  int32_t lo, hi;
  type_range(dt, lo, hi);
  for (auto& x : v) {
    int32_t val;
    if (fill == Fill::Extremes)
      val = r.chance(50) ? lo : hi;
    else if (fill == Fill::NarrowExtremes)
      val = r.chance(50) ? lo + 1 : hi;
    else if (fill == Fill::NarrowRandom)
      val = r.range(lo + 1, hi);  // never the type minimum: "narrow" weights
    else
      val = r.chance(10) ? (r.chance(50) ? lo : hi) : r.range(lo, hi);
    x = static_cast<uint8_t>(val);
  }
}

// Runs every output kind of `p` on `isa` and on the reference; returns false on any mismatch.
inline bool run_problem(const char* isa, const Problem& p) {
  Rng r(p.seed);
  const size_t groups = p.group_size ? (p.k + p.group_size - 1) / p.group_size : 1;
  const size_t lda = p.k + p.row_pad;
  std::vector<uint8_t> a(p.m * lda), b(p.k * p.n);
  const Fill a_fill = p.fill == Fill::NarrowRandom ? Fill::Random : (p.fill == Fill::NarrowExtremes ? Fill::Extremes : p.fill);
  fill_bytes(r, a, p.a_dtype, a_fill);
  fill_bytes(r, b, p.b_dtype, p.fill);
  const int32_t za = pick_zero_point(r, p.a_dtype, p.za_mode);
  const size_t n_params = p.group_size ? groups * p.n : (p.zb_mode == 2 ? p.n : 1);
  std::vector<int32_t> zb(n_params);
  std::vector<float> sb(n_params);
  for (size_t i = 0; i < n_params; ++i) {
    zb[i] = pick_zero_point(r, p.b_dtype, p.zb_mode == 2 ? 3 : p.zb_mode);
    sb[i] = std::ldexp(1.0f + static_cast<float>(r.range(0, 1000)) / 1000.0f, r.range(-12, -4));
  }
  const float sa = std::ldexp(1.0f + static_cast<float>(r.range(0, 1000)) / 1000.0f, r.range(-8, -2));
  std::vector<int32_t> bias_i(p.n);
  std::vector<float> bias_f(p.n);
  for (size_t j = 0; j < p.n; ++j) {
    bias_i[j] = r.range(-20000, 20000);
    bias_f[j] = static_cast<float>(r.range(-1000, 1000)) / 64.0f;
  }
  // Pack under the path or under the reference: both must work (the layout follows the path in use).
  ei8_set_isa(r.chance(50) ? isa : "ref");
  ei8_packed* w = nullptr;
  if (ei8_pack_weights(b.data(), p.b_dtype, p.layout, p.k, p.n, zb.data(), sb.data(), n_params, p.group_size, &w) != EI8_OK) {
    check::record(false, __FILE__, __LINE__, "pack failed: " + p.describe());
    return false;
  }
  ei8_set_threads(p.threads);
  const ei8_activations act{a.data(), p.a_dtype, p.m, p.k, lda, &za, 1};
  const size_t mn = p.m * p.n;
  bool ok = true;
  // Both outputs start as the same sentinel with a guard zone after them: a write past the end
  // by either path shows up as a difference or a damaged guard.
  auto compare = [&](const char* what, auto&& run) {
    const size_t guard = 64;
    std::vector<uint8_t> got(mn * 4 + guard, 0xAB), want(mn * 4 + guard, 0xAB);
    ei8_set_isa(isa);
    const ei8_status s1 = run(got.data());
    ei8_set_isa("ref");
    const ei8_status s2 = run(want.data());
    bool guard_ok = true;
    for (size_t i = mn * 4; i < got.size(); ++i) guard_ok = guard_ok && got[i] == 0xAB && want[i] == 0xAB;
    const bool same = s1 == s2 && got == want && guard_ok;
    if (!same) {
      size_t at = 0;
      while (at < got.size() && got[at] == want[at]) ++at;
      check::record(false, __FILE__, __LINE__,
                    std::string(isa) + " " + what + " differs from ref at byte " + std::to_string(at) + " (" +
                        std::to_string(s1) + "/" + std::to_string(s2) + "): " + p.describe());
      ok = false;
    } else {
      check::record(true, __FILE__, __LINE__, "");
    }
  };

  // Twice: calls of one row tile walk the panels in the other order every other call (core/gemm.cc).
  for (const char* what : {"i32", "i32, second call"})
    compare(what, [&](uint8_t* out) { return ei8_matmul_i32(&act, w, reinterpret_cast<int32_t*>(out)); });
  if (!p.group_size) {
    // Output scale from the int32 result, so that the outputs span the whole range (and a few saturate).
    std::vector<int32_t> acc(mn);
    ei8_set_isa("ref");
    ei8_matmul_i32(&act, w, acc.data());
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
      type_range(rq.out_dtype, lo, hi);
      rq.out_zero_point = r.range(lo, hi);
      rq.bias = r.chance(50) ? bias_i.data() : nullptr;
      rq.clamp_min = r.chance(30) ? r.range(lo, (lo + hi) / 2) : lo;
      rq.clamp_max = r.chance(30) ? r.range((lo + hi) / 2 + 1, hi) : hi;
      compare(variant & 2 ? "requant-fixedpoint" : "requant-float",
              [&](uint8_t* out) { return ei8_matmul_requant(&act, w, &rq, out); });
    }
  }
  const float* bias = r.chance(50) ? bias_f.data() : nullptr;
  compare("dequant", [&](uint8_t* out) {
    return ei8_matmul_dequant(&act, &sa, 1, w, bias, reinterpret_cast<float*>(out));
  });
  // Dynamic quantization (per-row zero points inside the tiled path).
  std::vector<float> af(p.m * p.k);
  for (size_t i = 0; i < af.size(); ++i) af[i] = static_cast<float>(static_cast<int32_t>(a[i]) - 100) * 0.37f;
  for (int per_token = 0; per_token < 2; ++per_token) {
    compare(per_token ? "f32-per-token" : "f32-per-tensor", [&](uint8_t* out) {
      return ei8_matmul_f32(af.data(), p.m, p.k, per_token, w, bias, reinterpret_cast<float*>(out), nullptr);
    });
  }
  ei8_packed_release(w);
  ei8_set_threads(1);
  return ok;
}

}  // namespace tester
