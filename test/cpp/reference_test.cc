// Hand-checked values for the reference kernels (DESIGN.md section 2), through the C API with the
// reference path forced.
#include <cmath>
#include <cstring>
#include <vector>

#include "check.h"
#include "edge_int8.h"
#include "ref/scalar_math.h"

using namespace ei8::ref;

static void use_ref() { ei8_set_isa("ref"); }

TEST(quantize_rounds_half_to_even_and_saturates) {
  use_ref();
  const float x[] = {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 1000.f, -1000.f, 0.49f};
  const ei8_qview v{1, 1, 9, EI8_PER_TENSOR, 0};
  const float s = 1.0f;
  const int32_t z = 0;
  int8_t q[9];
  CHECK(ei8_quantize(x, &v, &s, &z, EI8_INT8, -128, 127, q, nullptr) == EI8_OK);
  const int8_t want[] = {0, 2, 2, 0, -2, -2, 127, -128, 0};
  for (int i = 0; i < 9; ++i) CHECK_EQ(int(q[i]), int(want[i]));
}

TEST(quantize_zero_point_added_after_rounding) {
  use_ref();
  // x / s = 2.5 -> RNE 2, + z (3) = 5; uint8 saturates at 255 and 0.
  const float x[] = {1.25f, 1000.f, -1000.f, 0.f};
  const ei8_qview v{1, 1, 4, EI8_PER_TENSOR, 0};
  const float s = 0.5f;
  const int32_t z = 3;
  uint8_t q[4];
  CHECK(ei8_quantize(x, &v, &s, &z, EI8_UINT8, 0, 255, q, nullptr) == EI8_OK);
  CHECK_EQ(int(q[0]), 5);
  CHECK_EQ(int(q[1]), 255);
  CHECK_EQ(int(q[2]), 0);
  CHECK_EQ(int(q[3]), 3);
}

TEST(quantize_narrow_range) {
  use_ref();
  const float x[] = {-1000.f};
  const ei8_qview v{1, 1, 1, EI8_PER_TENSOR, 0};
  const float s = 1.0f;
  const int32_t z = 0;
  int8_t q[1];
  CHECK(ei8_quantize(x, &v, &s, &z, EI8_INT8, -127, 127, q, nullptr) == EI8_OK);
  CHECK_EQ(int(q[0]), -127);
}

TEST(quantize_reports_first_non_finite_index) {
  use_ref();
  const float x[] = {1.f, 2.f, NAN, INFINITY};
  const ei8_qview v{1, 1, 4, EI8_PER_TENSOR, 0};
  const float s = 1.0f;
  const int32_t z = 0;
  int8_t q[4];
  size_t bad = 99;
  CHECK(ei8_quantize(x, &v, &s, &z, EI8_INT8, -128, 127, q, &bad) == EI8_E_NONFINITE);
  CHECK_EQ(bad, size_t(2));
}

TEST(params_from_data_include_zero_and_stay_positive) {
  use_ref();
  const float x[] = {1.f, 2.f, 3.f, 4.f};  // all positive: the range is stretched to [0, 4]
  const ei8_qview v{1, 1, 4, EI8_PER_TENSOR, 0};
  float s;
  int32_t z;
  CHECK(ei8_choose_qparams(x, &v, EI8_UINT8, 0, 0, &s, &z, nullptr) == EI8_OK);
  CHECK(s == 4.0f / 255.0f);
  CHECK_EQ(z, 0);
  const float zeros[] = {0.f, 0.f};
  const ei8_qview v2{1, 1, 2, EI8_PER_TENSOR, 0};
  CHECK(ei8_choose_qparams(zeros, &v2, EI8_INT8, 0, 0, &s, &z, nullptr) == EI8_OK);
  CHECK(s > 0 && std::isfinite(s));
  const float tiny[] = {1e-44f};
  const ei8_qview v3{1, 1, 1, EI8_PER_TENSOR, 0};
  CHECK(ei8_choose_qparams(tiny, &v3, EI8_INT8, 1, 0, &s, &z, nullptr) == EI8_OK);
  CHECK(s > 0 && std::isfinite(s));
  const float huge[] = {-3e38f, 3e38f};
  CHECK(ei8_choose_qparams(huge, &v2, EI8_INT8, 0, 0, &s, &z, nullptr) == EI8_OK);
  CHECK(s > 0 && std::isfinite(s));
}

TEST(params_symmetric_int8_and_uint8) {
  use_ref();
  const float x[] = {-2.54f, 1.0f};
  const ei8_qview v{1, 1, 2, EI8_PER_TENSOR, 0};
  float s;
  int32_t z;
  CHECK(ei8_choose_qparams(x, &v, EI8_INT8, 1, 0, &s, &z, nullptr) == EI8_OK);
  CHECK(s == 2.54f / 127.0f);
  CHECK_EQ(z, 0);
  CHECK(ei8_choose_qparams(x, &v, EI8_UINT8, 1, 0, &s, &z, nullptr) == EI8_OK);
  CHECK_EQ(z, 128);
}

TEST(per_group_parameter_layout) {
  use_ref();
  // [2, 4] grouped along axis 1 in runs of 2: parameters [2, 2], index (row * 2 + k / 2).
  const float x[] = {1, 2, 10, 20, -1, -2, -10, -20};
  const ei8_qview v{2, 4, 1, EI8_PER_GROUP, 2};
  CHECK_EQ(ei8_qview_param_count(&v), size_t(4));
  float s[4];
  int32_t z[4];
  CHECK(ei8_choose_qparams(x, &v, EI8_INT8, 1, 0, s, z, nullptr) == EI8_OK);
  CHECK(s[0] == 2.f / 127.f && s[1] == 20.f / 127.f && s[2] == 2.f / 127.f && s[3] == 20.f / 127.f);
}

TEST(dequantize_formula) {
  use_ref();
  const int8_t q[] = {-128, 0, 127};
  const ei8_qview v{1, 1, 3, EI8_PER_TENSOR, 0};
  const float s = 0.5f;
  const int32_t z = -1;
  float x[3];
  CHECK(ei8_dequantize(q, EI8_INT8, &v, &s, &z, x) == EI8_OK);
  CHECK(x[0] == -63.5f && x[1] == 0.5f && x[2] == 64.0f);
}

TEST(fixedpoint_primitives_match_tflite_definitions) {
  int32_t m, sh;
  quantize_multiplier(0.5, &m, &sh);
  CHECK_EQ(m, 1 << 30);
  CHECK_EQ(sh, 0);
  quantize_multiplier(0.375, &m, &sh);  // 0.75 * 2^-1
  CHECK_EQ(m, 1610612736);
  CHECK_EQ(sh, -1);
  quantize_multiplier(1.0, &m, &sh);  // 0.5 * 2^1
  CHECK_EQ(m, 1 << 30);
  CHECK_EQ(sh, 1);
  quantize_multiplier(0.0, &m, &sh);
  CHECK_EQ(m, 0);
  quantize_multiplier(1e-12, &m, &sh);  // below 2^-31: flushed to zero
  CHECK_EQ(m, 0);
  CHECK_EQ(sh, 0);
  // SaturatingRoundingDoublingHighMul rounds half up (toward +inf) and saturates MIN*MIN.
  CHECK_EQ(saturating_rounding_doubling_high_mul(5, 1 << 30), 3);    //  2.5 -> 3
  CHECK_EQ(saturating_rounding_doubling_high_mul(-5, 1 << 30), -2);  // -2.5 -> -2
  CHECK_EQ(saturating_rounding_doubling_high_mul(INT32_MIN, INT32_MIN), INT32_MAX);
  // RoundingDivideByPOT rounds half away from zero.
  CHECK_EQ(rounding_divide_by_pot(5, 1), 3);
  CHECK_EQ(rounding_divide_by_pot(-5, 1), -3);
  CHECK_EQ(rounding_divide_by_pot(-6, 2), -2);  // -1.5 -> -2
  CHECK_EQ(rounding_divide_by_pot(6, 2), 2);    //  1.5 -> 2
  // Double rounding: 1 * 0.375 is 0.375 but rounds twice (1.25 -> 1, then 0.5 -> 1).
  CHECK_EQ(multiply_by_quantized_multiplier(1, 1610612736, -1), 1);
  CHECK_EQ(requantize_float(1, 0.375f, 0, -128, 127), 0);
  // Ties: 5 * 0.5 = 2.5: 'float' gives 2 (to even), 'fixedpoint' gives 3.
  CHECK_EQ(requantize_float(5, 0.5f, 0, -128, 127), 2);
  CHECK_EQ(requantize_fixedpoint(5, 1 << 30, 0, 0, -128, 127), 3);
  CHECK_EQ(requantize_float(-5, 0.5f, 0, -128, 127), -2);
  CHECK_EQ(requantize_fixedpoint(-10, 1 << 30, -1, 0, -128, 127), -3);  // -2.5 away from zero
  // Zero point after scaling, then saturation at both ends.
  CHECK_EQ(requantize_float(1000, 1.0f, 10, -128, 127), 127);
  CHECK_EQ(requantize_float(-1000, 1.0f, 10, -128, 127), -128);
  CHECK_EQ(requantize_fixedpoint(3, 1 << 30, 1, 100, 0, 255), 103);  // 3 * 1.0 + 100
}

// B [K=3, N=2] int8, A [M=2, K=3]: checked by hand.
TEST(matmul_i32_with_zero_points) {
  use_ref();
  const int8_t b[] = {1, -2, 3, 4, -128, 127};  // kn
  const int32_t zb[] = {1, -1};
  ei8_packed* p = nullptr;
  CHECK(ei8_pack_weights(b, EI8_INT8, EI8_LAYOUT_KN, 3, 2, zb, nullptr, 2, 0, &p) == EI8_OK);
  const uint8_t a[] = {255, 0, 10, 1, 2, 3};
  const int32_t za = 10;
  const ei8_activations act{a, EI8_UINT8, 2, 3, 3, &za, 1};
  int32_t c[4];
  CHECK(ei8_matmul_i32(&act, p, c) == EI8_OK);
  // row 0: (245)(0) + (-10)(2) + (0)(-129) = -20 ; (245)(-1) + (-10)(5) + 0 = -295
  // row 1: (-9)(0) + (-8)(2) + (-7)(-129) = 887 ; (-9)(-1) + (-8)(5) + (-7)(128) = -927
  CHECK_EQ(c[0], -20);
  CHECK_EQ(c[1], -295);
  CHECK_EQ(c[2], 887);
  CHECK_EQ(c[3], -927);
  ei8_packed_release(p);
}

TEST(matmul_rejects_k_beyond_exact_bound) {
  use_ref();
  const size_t K = 33026;  // 255 * 255 * 33026 > INT32_MAX
  std::vector<uint8_t> b(K, 0), a(K, 0);
  const int32_t zb = 255, za = 0;
  ei8_packed* p = nullptr;
  CHECK(ei8_pack_weights(b.data(), EI8_UINT8, EI8_LAYOUT_KN, K, 1, &zb, nullptr, 1, 0, &p) == EI8_OK);
  const ei8_activations act{a.data(), EI8_UINT8, 1, K, K, &za, 1};
  CHECK_EQ(ei8_max_exact_k(&act, p), size_t(33025));
  int32_t c;
  CHECK(ei8_matmul_i32(&act, p, &c) == EI8_E_OVERFLOW);
  ei8_packed_release(p);
}

TEST(matmul_bias_clamp_and_uint8_output) {
  use_ref();
  const int8_t b[] = {2, 2};  // K = 2, N = 1
  const int32_t zb = 0;
  const float sb = 0.5f;
  ei8_packed* p = nullptr;
  CHECK(ei8_pack_weights(b, EI8_INT8, EI8_LAYOUT_KN, 2, 1, &zb, &sb, 1, 0, &p) == EI8_OK);
  const int8_t a[] = {3, 2, -100, -100};
  const int32_t za = 0;
  const ei8_activations act{a, EI8_INT8, 2, 2, 2, &za, 1};
  const int32_t bias = 1;
  // acc = 10 + 1 = 11, * (1 * 0.5 / 1) = 5.5 -> 6 (even), + 128 -> 134; row 1: -399 * 0.5 -> -200 + 128 -> clamp 20
  ei8_requant rq{1.0f, 1.0f, 128, EI8_UINT8, EI8_ROUND_FLOAT, &bias, 20, 255};
  uint8_t y[2];
  CHECK(ei8_matmul_requant(&act, p, &rq, y) == EI8_OK);
  CHECK_EQ(int(y[0]), 134);
  CHECK_EQ(int(y[1]), 20);
  rq.rounding = EI8_ROUND_FIXEDPOINT;
  CHECK(ei8_matmul_requant(&act, p, &rq, y) == EI8_OK);
  CHECK_EQ(int(y[0]), 134);  // 5.5 -> 6 (half up) as well
  ei8_packed_release(p);
}

TEST(float_output_and_groups) {
  use_ref();
  // K = 4 in two groups of 2, N = 1; scales 0.5 and 2 per group.
  const int8_t b[] = {1, 1, 1, 1};
  const int32_t zb[] = {0, 0};
  const float sb[] = {0.5f, 2.0f};
  ei8_packed* p = nullptr;
  CHECK(ei8_pack_weights(b, EI8_INT8, EI8_LAYOUT_KN, 4, 1, zb, sb, 2, 2, &p) == EI8_OK);
  const int8_t a[] = {1, 2, 3, 4};
  const int32_t za = 0;
  const float sa = 0.25f, bias = 1.0f;
  const ei8_activations act{a, EI8_INT8, 1, 4, 4, &za, 1};
  float y;
  CHECK(ei8_matmul_dequant(&act, &sa, 1, p, &bias, &y) == EI8_OK);
  CHECK(y == 3 * 0.125f + 7 * 0.5f + 1.0f);
  ei8_packed_release(p);
}

TEST(kn_and_nk_layouts_agree) {
  use_ref();
  const int8_t kn[] = {1, 2, 3, 4, 5, 6};  // [K=2, N=3]
  const int8_t nk[] = {1, 4, 2, 5, 3, 6};  // [N=3, K=2]
  const int32_t zb = 0;
  ei8_packed *p1 = nullptr, *p2 = nullptr;
  CHECK(ei8_pack_weights(kn, EI8_INT8, EI8_LAYOUT_KN, 2, 3, &zb, nullptr, 1, 0, &p1) == EI8_OK);
  CHECK(ei8_pack_weights(nk, EI8_INT8, EI8_LAYOUT_NK, 2, 3, &zb, nullptr, 1, 0, &p2) == EI8_OK);
  const int8_t a[] = {7, -8};
  const int32_t za = 0;
  const ei8_activations act{a, EI8_INT8, 1, 2, 2, &za, 1};
  int32_t c1[3], c2[3];
  CHECK(ei8_matmul_i32(&act, p1, c1) == EI8_OK);
  CHECK(ei8_matmul_i32(&act, p2, c2) == EI8_OK);
  for (int i = 0; i < 3; ++i) CHECK_EQ(c1[i], c2[i]);
  CHECK_EQ(c1[0], 7 - 32);
  ei8_packed_release(p1);
  ei8_packed_release(p2);
}

TEST_MAIN()
