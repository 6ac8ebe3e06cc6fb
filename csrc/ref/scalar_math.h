// Scalar arithmetic primitives of DESIGN.md section 2, written to be read.
// The reference kernels are built from these; SIMD epilogues must agree with them bit for bit
// (their scalar tails call them). Every float expression here is rounded to fl32 after each
// operation: the whole project builds with -ffp-contract=off so that no compiler fuses a*b+c.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

namespace ei8 {
namespace ref {

// Two's-complement wrapping arithmetic on int32 (signed overflow is undefined in C++).
inline int32_t wrap_add(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}
inline int32_t wrap_sub(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) - static_cast<uint32_t>(b));
}
inline int32_t wrap_mul(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) * static_cast<uint32_t>(b));
}

inline int32_t clamp_i32(int64_t v, int32_t lo, int32_t hi) {
  return v < lo ? lo : (v > hi ? hi : static_cast<int32_t>(v));
}

// Round half to even of a float that may be huge or infinite, then clamp into [lo, hi].
// Clamping first is equivalent (the bounds are integers) and avoids out-of-range conversion.
inline int32_t round_clamp(float v, int32_t lo, int32_t hi) {
  if (!(v >= static_cast<float>(lo))) return lo;  // also catches NaN
  if (v > static_cast<float>(hi)) return hi;
  return static_cast<int32_t>(std::nearbyint(v));  // default rounding mode: to nearest even
}

// ---- 'float' requantization (onnxruntime QLinearMatMul) -------------------------------------
// mult = fl32(fl32(sa * sb) / sy)
inline float float_multiplier(float sa, float sb, float sy) {
  const float prod = sa * sb;
  return prod / sy;
}
// y = sat(RNE(fl32(fl32(acc) * mult)) + zy, lo, hi)
inline int32_t requantize_float(int32_t acc, float mult, int32_t zy, int32_t lo, int32_t hi) {
  const float scaled = static_cast<float>(acc) * mult;
  // RNE(scaled) + zy clamped to [lo, hi] == RNE clamped to [lo - zy, hi - zy], then + zy.
  return round_clamp(scaled, lo - zy, hi - zy) + zy;
}

// ---- 'fixedpoint' requantization (TFLite / gemmlowp) ----------------------------------------
// real = q * 2^shift with q in [0.5, 1) as a Q31 integer (TFLite's QuantizeMultiplier).
inline void quantize_multiplier(double real, int32_t* multiplier, int32_t* shift) {
  if (real == 0.0) {
    *multiplier = 0;
    *shift = 0;
    return;
  }
  int exp = 0;
  const double q = std::frexp(real, &exp);
  int64_t q_fixed = static_cast<int64_t>(std::round(q * static_cast<double>(1LL << 31)));
  if (q_fixed == (1LL << 31)) {
    q_fixed /= 2;
    ++exp;
  }
  if (exp < -31) {  // too small to represent: the product is 0
    exp = 0;
    q_fixed = 0;
  }
  if (exp > 30) {  // too large: saturate the multiplier
    exp = 30;
    q_fixed = (1LL << 31) - 1;
  }
  *multiplier = static_cast<int32_t>(q_fixed);
  *shift = exp;
}

// round(a * b / 2^31) with ties toward +infinity (-2.5 -> -2, 2.5 -> 3): TFLite's nudge-then-
// truncate; the one overflowing case (INT32_MIN * INT32_MIN) saturates.
inline int32_t saturating_rounding_doubling_high_mul(int32_t a, int32_t b) {
  if (a == b && a == std::numeric_limits<int32_t>::min()) return std::numeric_limits<int32_t>::max();
  const int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  const int64_t nudge = ab >= 0 ? (1LL << 30) : (1 - (1LL << 30));
  return static_cast<int32_t>((ab + nudge) / (1LL << 31));  // C++ division truncates toward zero
}

// x / 2^exponent rounded to nearest, ties away from zero. exponent in [0, 31].
inline int32_t rounding_divide_by_pot(int32_t x, int exponent) {
  const int32_t mask = static_cast<int32_t>((1LL << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// TFLite's MultiplyByQuantizedMultiplier with its default double rounding.
// The left shift wraps like TFLite's compiled code does on every target.
inline int32_t multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int32_t shift) {
  const int left_shift = shift > 0 ? shift : 0;
  const int right_shift = shift > 0 ? 0 : -shift;
  const int32_t shifted = static_cast<int32_t>(static_cast<uint32_t>(x) << left_shift);
  return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(shifted, multiplier),
                                right_shift);
}

inline int32_t requantize_fixedpoint(int32_t acc, int32_t multiplier, int32_t shift, int32_t zy,
                                     int32_t lo, int32_t hi) {
  const int64_t v = static_cast<int64_t>(multiply_by_quantized_multiplier(acc, multiplier, shift)) + zy;
  return clamp_i32(v, lo, hi);
}

// ---- float output ---------------------------------------------------------------------------
// One group's contribution: fl32(fl32(acc) * fl32(sa * sb)).
inline float dequant_term(int32_t acc, float sa, float sb) {
  const float mult = sa * sb;
  return static_cast<float>(acc) * mult;
}

}  // namespace ref
}  // namespace ei8
