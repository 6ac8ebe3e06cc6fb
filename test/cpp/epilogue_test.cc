// Every SIMD path's epilogues and dynamic-quantization kernels against the scalar ones
// (kernels/scalar, built from ref/scalar_math.h), bit for bit, on inputs the matmul grid rarely
// produces: exact rounding ties of SaturatingRoundingDoublingHighMul and RoundingDivideByPOT, int32
// extremes, every shift TFLite's QuantizeMultiplier can return, float products and quotients that
// overflow, denormals and .5 ties, NaN and infinities for minmax, and every length around the
// vector widths (tails). Paths this CPU cannot run are skipped (printed).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "check.h"
#include "dispatch/registry.h"
#include "gemm_tester.h"
#include "kernels/scalar/scalar_kernels.h"
#include "ref/quantize_ref.h"

using ei8::Epilogues;

namespace {

constexpr int32_t kMin = std::numeric_limits<int32_t>::min(), kMax = std::numeric_limits<int32_t>::max();
constexpr size_t kGuard = 16;

std::vector<const ei8::KernelPath*> simd_paths() {
  std::vector<const ei8::KernelPath*> out;
  for (const ei8::IsaEntry& e : ei8::available_isas())
    if (e.path && e.path != &ei8::scalar::kPath) out.push_back(e.path);
  return out;
}

// Accumulators worth trying: extremes, powers of two and their neighbours, small values, random.
std::vector<int32_t> special_accs(tester::Rng& r) {
  std::vector<int32_t> v = {kMin, kMin + 1, kMin + 2, -1, 0, 1, 2, kMax - 1, kMax};
  for (int e = 0; e < 31; ++e) {
    const int32_t p = static_cast<int32_t>(1u << e);
    for (int32_t d : {-1, 0, 1}) {
      v.push_back(p + d);
      v.push_back(-p + d);
    }
  }
  for (int i = 0; i < 64; ++i) v.push_back(static_cast<int32_t>(r.next()));
  for (int i = 0; i < 64; ++i) v.push_back(r.range(-300000, 300000));
  return v;
}

// One row of nc sums as a tile.
ei8::RequantTile one_row(const int32_t* acc, size_t nc, int32_t zy, int32_t lo, int32_t hi, int out_u8, uint8_t* out) {
  return {acc, nc, 1, nc, zy, lo, hi, out_u8, out, nc};
}

// Runs fn(out_bytes) for the path and for scalar on identical inputs; compares nc results and a guard.
template <class Fn>
void compare(const char* isa, const char* what, size_t bytes, Fn&& fn, const std::string& detail) {
  std::vector<uint8_t> got(bytes + kGuard, 0xAB), want(bytes + kGuard, 0xAB);
  fn(true, got.data());
  fn(false, want.data());
  check::record(got == want, __FILE__, __LINE__, std::string(isa) + " " + what + " differs from scalar: " + detail);
}

void test_requant_fixed(const ei8::KernelPath& path, tester::Rng& r) {
  const Epilogues& e = path.epilogues;
  std::vector<int32_t> accs = special_accs(r);
  // Multipliers from QuantizeMultiplier: 0 or [2^30, 2^31 - 1]; 2^30 is 0.5, which with an odd
  // accumulator makes an exact SRDHM tie (negative ties are where SQRDMULH-like code goes wrong).
  const int32_t mults[] = {0, 1 << 30, (1 << 30) + 1, kMax, kMax - 1, 1518500250, 1431655765};
  for (int shift = -31; shift <= 30; ++shift) {
    // Accumulators whose SRDHM by 2^30 is y = q * 2^e + 2^(e-1) + {-1, 0, 1}: RoundingDivideByPOT ties.
    std::vector<int32_t> xs = accs;
    const int ex = shift < 0 ? -shift : 0;
    if (ex > 0 && ex < 30) {
      for (int64_t q = -3; q <= 3; ++q)
        for (int64_t d = -1; d <= 1; ++d) {
          const int64_t y = q * (int64_t(1) << ex) + (int64_t(1) << (ex - 1)) + d;
          if (2 * y >= kMin && 2 * y <= kMax) xs.push_back(static_cast<int32_t>(2 * y));
        }
    }
    for (int32_t m0 : mults) {
      const size_t nc = xs.size();
      std::vector<int32_t> mult(nc), sh(nc, shift);
      for (size_t j = 0; j < nc; ++j) mult[j] = j % 3 == 0 ? m0 : (r.chance(50) ? m0 : (1 << 30) + r.range(0, (1 << 30) - 1));
      for (int out_u8 = 0; out_u8 < 2; ++out_u8) {
        const int32_t tlo = out_u8 ? 0 : -128, thi = out_u8 ? 255 : 127;
        const int32_t zy = r.chance(30) ? (r.chance(50) ? tlo : thi) : r.range(tlo, thi);
        const int32_t lo = r.chance(70) ? tlo : r.range(tlo, (tlo + thi) / 2);
        const int32_t hi = r.chance(70) ? thi : r.range((tlo + thi) / 2 + 1, thi);
        compare(path.isa, "requant_fixed", nc, [&](bool simd, uint8_t* out) {
          (simd ? e.requant_fixed : ei8::scalar::requant_fixed)(one_row(xs.data(), nc, zy, lo, hi, out_u8, out),
                                                                mult.data(), sh.data());
        }, "shift " + std::to_string(shift) + " mult " + std::to_string(m0));
      }
    }
  }
}

void test_requant_float(const ei8::KernelPath& path, tester::Rng& r) {
  const Epilogues& e = path.epilogues;
  const std::vector<int32_t> accs = special_accs(r);
  const size_t nc = accs.size();
  // Finite, non-negative multipliers (fl32(fl32(sa * sb) / sy) with positive scales): halves for
  // round-half-even ties, huge ones whose products overflow to +-inf, denormals, 0.
  const float mults[] = {0.5f, 0.25f, 1.0f, 1.5f, 3e38f, 1e30f, 1e-3f, 1e-10f, 1e-40f, 0.0f,
                         std::numeric_limits<float>::max(), std::numeric_limits<float>::denorm_min()};
  for (float m0 : mults) {
    std::vector<float> mult(nc);
    for (size_t j = 0; j < nc; ++j) mult[j] = j % 2 ? m0 : std::ldexp(static_cast<float>(r.range(1, 1 << 20)), r.range(-60, 10));
    for (int out_u8 = 0; out_u8 < 2; ++out_u8) {
      const int32_t tlo = out_u8 ? 0 : -128, thi = out_u8 ? 255 : 127;
      const int32_t zy = r.chance(30) ? (r.chance(50) ? tlo : thi) : r.range(tlo, thi);
      const int32_t lo = r.chance(70) ? tlo : r.range(tlo, (tlo + thi) / 2);
      const int32_t hi = r.chance(70) ? thi : r.range((tlo + thi) / 2 + 1, thi);
      compare(path.isa, "requant_float", nc, [&](bool simd, uint8_t* out) {
        (simd ? e.requant_float : ei8::scalar::requant_float)(one_row(accs.data(), nc, zy, lo, hi, out_u8, out),
                                                              mult.data());
      }, "mult " + std::to_string(m0));
    }
  }
}

void test_dequant_and_correct(const ei8::KernelPath& path, tester::Rng& r) {
  const Epilogues& e = path.epilogues;
  const std::vector<int32_t> accs = special_accs(r);
  for (size_t nc = 1; nc <= 35; ++nc) {
    for (int rep = 0; rep < 8; ++rep) {
      std::vector<int32_t> acc(nc), zb(nc), ck(nc), bias(nc);
      std::vector<float> sb(nc), y0(nc);
      for (size_t j = 0; j < nc; ++j) {
        acc[j] = accs[r.range(0, static_cast<int32_t>(accs.size()) - 1)];
        zb[j] = r.chance(20) ? acc[j] : r.range(-255, 255);
        ck[j] = static_cast<int32_t>(r.next());
        bias[j] = static_cast<int32_t>(r.next());
        sb[j] = rep == 0 ? std::numeric_limits<float>::denorm_min() * r.range(1, 100)
                         : std::ldexp(1.0f + r.range(0, 1 << 20) / float(1 << 20), r.range(-40, 20));
        y0[j] = std::ldexp(static_cast<float>(r.range(-(1 << 23), 1 << 23)), r.range(-30, 30));
      }
      const float sa = std::ldexp(1.0f + r.range(0, 1000) / 1000.0f, r.range(-20, 5));
      // A tile of 1 to 6 rows, rows of d nc apart or padded, each row's own row sum and za (extremes
      // in some repetitions).
      const size_t mr = 1 + static_cast<size_t>(rep) % 6, ds = nc + (rep % 3 == 1 ? 3 : 0);
      std::vector<int32_t> tile(mr * ds), rs(mr), za(mr);
      for (size_t i = 0; i < mr; ++i) {
        for (size_t j = 0; j < ds; ++j) tile[i * ds + j] = accs[r.range(0, static_cast<int32_t>(accs.size()) - 1)];
        rs[i] = rep == 1 && i == 0 ? kMin : static_cast<int32_t>(r.next());
        za[i] = rep == 2 && i + 1 == mr ? kMax : r.range(-255, 255);
      }
      const bool with_zb = rep % 2 == 0, with_bias = rep % 3 != 0;
      const ei8::TileTerms terms = {with_zb ? zb.data() : nullptr, ck.data(), with_bias ? bias.data() : nullptr,
                                    rs.data(), za.data()};
      compare(path.isa, "correct", mr * ds * 4, [&](bool simd, uint8_t* out) {
        // In place (repetitions 0, 1, 4, 5) or into a separate tile of another stride, with and without zb.
        const bool in_place = rep % 4 < 2;
        int32_t* o = reinterpret_cast<int32_t*>(out);
        const size_t os = in_place ? ds : nc;
        if (in_place) std::memcpy(out, tile.data(), tile.size() * 4);
        (simd ? e.correct : ei8::scalar::correct)(in_place ? o : tile.data(), ds, mr, nc, terms, o, os);
      }, "nc " + std::to_string(nc) + " mr " + std::to_string(mr));
      compare(path.isa, "dequant_accumulate", nc * 4, [&](bool simd, uint8_t* out) {
        std::memcpy(out, y0.data(), nc * 4);
        (simd ? e.dequant_accumulate : ei8::scalar::dequant_accumulate)(acc.data(), nc, sa, sb.data(), reinterpret_cast<float*>(out));
      }, "nc " + std::to_string(nc));
      // f32 biases with -0.0 (the reference's 0.0f + term turns a term of -0.0 into +0.0 before the
      // bias: underflowing negative terms, with the denormal sb of repetition 0, give -0.0).
      std::vector<float> fbias(nc);
      for (size_t j = 0; j < nc; ++j) fbias[j] = r.chance(30) ? -0.0f : y0[j];
      // The same tile through the storing epilogues: every tail length, 1 to 6 rows, output rows nc
      // apart or padded (the padding must stay untouched).
      const size_t os = nc + (rep % 2 ? 5 : 0);
      const std::string where = "nc " + std::to_string(nc) + " mr " + std::to_string(mr);
      std::vector<float> row_sa(mr);  // each row its own scale, one of them the denormal-making sa
      for (size_t i = 0; i < mr; ++i) row_sa[i] = i == 0 ? sa : std::ldexp(1.0f + r.range(0, 1000) / 1000.0f, r.range(-20, 5));
      compare(path.isa, "dequant_store", mr * os * 4, [&](bool simd, uint8_t* out) {
        const ei8::DequantTile t = {tile.data(), ds, mr, nc, row_sa.data(), reinterpret_cast<float*>(out), os};
        (simd ? e.dequant_store : ei8::scalar::dequant_store)(t, sb.data(), with_bias ? fbias.data() : nullptr);
      }, where + (with_bias ? " bias" : ""));
      std::vector<int32_t> mult(nc, (1 << 30) + r.range(0, (1 << 30) - 1)), sh(nc, r.range(-31, 30));
      std::vector<float> multf(nc, std::ldexp(1.0f, r.range(-20, 0)));
      compare(path.isa, "requant_fixed tile", mr * os, [&](bool simd, uint8_t* out) {
        const ei8::RequantTile t = {tile.data(), ds, mr, nc, 3, -128, 127, 0, out, os};
        (simd ? e.requant_fixed : ei8::scalar::requant_fixed)(t, mult.data(), sh.data());
      }, where);
      compare(path.isa, "requant_float tile", mr * os, [&](bool simd, uint8_t* out) {
        const ei8::RequantTile t = {tile.data(), ds, mr, nc, 200, 0, 255, 1, out, os};
        (simd ? e.requant_float : ei8::scalar::requant_float)(t, multf.data());
      }, where);
    }
  }
}

void test_dynamic_quant(const ei8::KernelPath& path, tester::Rng& r) {
  const ei8::DynamicQuantKernels& dq = path.dynamic_quant;
  if (!dq.minmax) return;  // the portable versions are used
  for (size_t n = 1; n <= 70; ++n) {
    for (int rep = 0; rep < 6; ++rep) {
      // Scales: powers of two (x / s exact, so .5 quotients are real ties), ordinary, tiny (overflow).
      const float scale = rep == 0 ? std::ldexp(1.0f, r.range(-10, 3))
                        : rep == 1 ? 1e-38f
                                   : std::ldexp(1.0f + r.range(0, 1 << 20) / float(1 << 20), r.range(-12, 2));
      // uint8, int8, and int8 in the narrow range [-127, 127].
      const int dtype = r.range(0, 2);
      const int32_t qmin = dtype == 0 ? 0 : dtype == 1 ? -128 : -127, qmax = dtype == 0 ? 255 : 127;
      const int32_t zp = rep == 2 ? qmin : (rep == 3 ? qmax : r.range(qmin, qmax));
      std::vector<float> x(n);
      for (size_t i = 0; i < n; ++i) {
        const int kind = r.range(0, 9);
        if (kind == 0) x[i] = (static_cast<float>(r.range(-300, 300)) + 0.5f) * scale;  // ties
        else if (kind == 1) x[i] = r.chance(50) ? 3e38f : -3e38f;
        else if (kind == 2) x[i] = std::numeric_limits<float>::denorm_min() * r.range(-50, 50);
        else if (kind == 3) x[i] = r.chance(50) ? -0.0f : 0.0f;
        else x[i] = std::ldexp(static_cast<float>(r.range(-(1 << 23), 1 << 23)), r.range(-30, 0));
      }
      compare(path.isa, "quantize_run", n, [&](bool simd, uint8_t* out) {
        (simd ? dq.quantize_run : ei8::scalar::quantize_run)(x.data(), n, scale, zp, qmin, qmax, out);
      }, "n " + std::to_string(n) + " scale " + std::to_string(scale) + " zp " + std::to_string(zp) + " qmin " +
             std::to_string(qmin));
      // minmax: equal values (a zero's sign may differ), and false for NaN / +-inf anywhere.
      if (rep >= 3) x[r.range(0, static_cast<int32_t>(n) - 1)] = rep == 3 ? NAN : (rep == 4 ? INFINITY : -INFINITY);
      float l1 = 0, h1 = 0, l2 = 0, h2 = 0;
      const bool ok1 = dq.minmax(x.data(), n, &l1, &h1), ok2 = ei8::scalar::minmax(x.data(), n, &l2, &h2);
      check::record(ok1 == ok2 && (!ok1 || (l1 == l2 && h1 == h2)), __FILE__, __LINE__,
                    std::string(path.isa) + " minmax differs from scalar: n " + std::to_string(n) + " rep " + std::to_string(rep));
    }
  }
}

}  // namespace

// ei8_quantize and ei8_choose_qparams on every path (the path's kernels over long runs) equal the
// reference, for per-tensor, per-channel (runs long and short) and per-group views, both dtypes,
// narrow and not, with NaN or infinity planted in some tensors.
TEST(quantize_api_on_every_path_equals_reference) {
  tester::Rng r(4242);
  for (const ei8::IsaEntry& e : ei8::available_isas()) {
    if (!e.path) continue;
    ei8::set_isa(e.name);
    for (int rep = 0; rep < 240; ++rep) {
      // Long axes with inner 1 are per-column views ([K, N] per column); short or long runs otherwise.
      const size_t outer = r.range(1, 3), axis_len = r.chance(40) ? r.range(16, 80) : r.range(1, 5);
      const size_t inner = r.chance(30) ? 1 : r.chance(50) ? r.range(1, 15) : r.range(16, 70);
      const int g = r.range(0, 2);
      const ei8_granularity gran = g == 0 ? EI8_PER_TENSOR : g == 1 ? EI8_PER_CHANNEL : EI8_PER_GROUP;
      const ei8_qview v{outer, axis_len, inner, gran, gran == EI8_PER_GROUP ? size_t(r.range(1, 3)) : 0};
      const size_t count = outer * axis_len * inner, np = ei8_qview_param_count(&v);
      const ei8_dtype dt = r.chance(50) ? EI8_INT8 : EI8_UINT8;
      const int narrow = dt == EI8_INT8 && r.chance(30), symmetric = r.chance(30);
      std::vector<float> x(count);
      const float spread = std::ldexp(1.0f, r.range(-8, 8));
      // Ties: multiples of 1/8 quantized with scale 1/4 below, so that odd ones are exact halves.
      const bool ties = r.chance(30);
      for (float& xv : x)
        xv = ties ? static_cast<float>(r.range(-600, 600)) * 0.125f
                  : spread * (static_cast<float>(r.range(-1000, 1000)) + (r.chance(20) ? 0.5f : 0.0f)) / 997.0f;
      if (r.chance(10)) x[r.range(0, static_cast<int32_t>(count) - 1)] = r.chance(50) ? NAN : -INFINITY;
      std::vector<float> s1(np), s2(np);
      std::vector<int32_t> z1(np), z2(np);
      size_t b1 = 7, b2 = 7;
      const ei8_status c1 = ei8_choose_qparams(x.data(), &v, dt, symmetric, narrow, s1.data(), z1.data(), &b1);
      const ei8_status c2 = ei8::ref::choose_qparams(x.data(), v, dt, symmetric, narrow, s2.data(), z2.data(), &b2);
      const std::string what = std::string(e.name) + " rep " + std::to_string(rep);
      check::record(c1 == c2 && b1 == b2 && s1 == s2 && z1 == z2, __FILE__, __LINE__, what + " choose_qparams");
      if (c1 != EI8_OK || ties) {  // NaN must be named by ei8_quantize too; ties need scale 1/4
        std::fill(s1.begin(), s1.end(), 0.25f);
        std::fill(z1.begin(), z1.end(), dt == EI8_INT8 ? 3 : 130);
      }
      int32_t qmin, qmax;
      ei8_dtype_range(dt, narrow, &qmin, &qmax);
      std::vector<uint8_t> q1(count, 0xAA), q2(count, 0xAA);
      b1 = b2 = 7;
      const ei8_status r1 = ei8_quantize(x.data(), &v, s1.data(), z1.data(), dt, qmin, qmax, q1.data(), &b1);
      const ei8_status r2 = ei8::ref::quantize(x.data(), v, s1.data(), z1.data(), dt, qmin, qmax, q2.data(), &b2);
      check::record(r1 == r2 && b1 == b2 && (r1 != EI8_OK || q1 == q2), __FILE__, __LINE__, what + " quantize");
      // Dequantize any bytes (every value of the dtype), bit for bit.
      for (uint8_t& b : q1) b = static_cast<uint8_t>(r.range(0, 255));
      std::vector<float> d1(count), d2(count);
      const ei8_status e1 = ei8_dequantize(q1.data(), dt, &v, s1.data(), z1.data(), d1.data());
      const ei8_status e2 = ei8::ref::dequantize(q1.data(), dt, v, s1.data(), z1.data(), d2.data());
      check::record(e1 == e2 && std::memcmp(d1.data(), d2.data(), count * 4) == 0, __FILE__, __LINE__, what + " dequantize");
    }
  }
  ei8::set_isa("auto");
}

TEST(dynamic_quant_of_every_path_equals_scalar) {
  for (const ei8::KernelPath* p : simd_paths()) {
    tester::Rng r(777);
    test_dynamic_quant(*p, r);
  }
}

TEST(epilogues_of_every_path_equal_scalar) {
  const auto paths = simd_paths();
  for (const ei8::KernelPath* p : paths) {
    tester::Rng r(12345);
    test_requant_fixed(*p, r);
    test_requant_float(*p, r);
    test_dequant_and_correct(*p, r);
    std::printf("epilogues of %s checked\n", p->isa);
  }
  if (paths.empty()) std::printf("no SIMD path on this CPU: nothing to compare (skipped)\n");
}

TEST_MAIN()
