// quantize / dequantize / chooseQParams over a tensor seen as [outer, axisLen, inner].
#include "napi/args.h"
#include "napi/exports.h"

namespace ei8napi {

namespace {

// Arguments (outer, axisLen, inner, granularity, groupSize) starting at `first`.
ei8_qview read_view(const Args& args, size_t first, size_t& count, size_t& n_params) {
  ei8_qview v;
  v.outer = args.size(first, "outer");
  v.axis_len = args.size(first + 1, "axisLen");
  v.inner = args.size(first + 2, "inner");
  v.granularity = static_cast<ei8_granularity>(args.integer(first + 3, "granularity", 0, 2));
  v.group_size = args.size(first + 4, "groupSize", v.granularity == EI8_PER_GROUP ? 1 : 0);
  count = checked_mul(args, checked_mul(args, v.outer, v.axis_len, "shape"), v.inner, "shape");
  n_params = ei8_qview_param_count(&v);
  if (n_params == 0) args.throw_range("invalid quantization view", kInvalidShape);
  return v;
}

std::string nonfinite_detail(const char* name, size_t index) {
  return std::string(name) + "[" + std::to_string(index) + "] is NaN or infinite";
}

}  // namespace

// chooseQParams(x, outer, axisLen, inner, granularity, groupSize, dtype, symmetric, narrow,
//               scaleOut: Float32Array, zeroPointOut: Int32Array)
static Napi::Value ChooseQParams(const Napi::CallbackInfo& info) {
  Args args(info, "quantize");
  size_t count, np;
  const ei8_qview v = read_view(args, 1, count, np);
  const View x = args.array(0, "x", napi_float32_array, count);
  const ei8_dtype dt = args.dtype(6, "dtype");
  const bool symmetric = args.boolean(7, "symmetric"), narrow = args.boolean(8, "narrow");
  const View scale = args.array(9, "scale", napi_float32_array, np);
  const View zp = args.array(10, "zeroPoint", napi_int32_array, np);
  size_t bad = 0;
  const ei8_status st = ei8_choose_qparams(x.as<float>(), &v, dt, symmetric, narrow, scale.as<float>(), zp.as<int32_t>(), &bad);
  if (st != EI8_OK)
    throw status_error(info.Env(), "quantize", st, st == EI8_E_NONFINITE ? nonfinite_detail("x", bad) : "");
  return info.Env().Undefined();
}

// quantize(x, outer, axisLen, inner, granularity, groupSize, scale, zeroPoint, dtype, qmin, qmax, out)
static Napi::Value Quantize(const Napi::CallbackInfo& info) {
  Args args(info, "quantize");
  size_t count, np;
  const ei8_qview v = read_view(args, 1, count, np);
  const View x = args.array(0, "x", napi_float32_array, count);
  const View scale = args.array(6, "scale", napi_float32_array, np);
  const View zp = args.array(7, "zeroPoint", napi_int32_array, np);
  const ei8_dtype dt = args.dtype(8, "dtype");
  const int32_t qmin = static_cast<int32_t>(args.integer(9, "qmin", -128, 255));
  const int32_t qmax = static_cast<int32_t>(args.integer(10, "qmax", -128, 255));
  const View out = args.bytes(11, "out", dt, count);
  size_t bad = 0;
  const ei8_status st = ei8_quantize(x.as<float>(), &v, scale.as<float>(), zp.as<int32_t>(), dt, qmin, qmax, out.data, &bad);
  if (st == EI8_E_NONFINITE) throw status_error(info.Env(), "quantize", st, nonfinite_detail("x", bad));
  if (st == EI8_E_RANGE)
    throw status_error(info.Env(), "quantize", st,
                       "scale[" + std::to_string(bad) + "] or zeroPoint[" + std::to_string(bad) + "] is out of range");
  if (st != EI8_OK) throw status_error(info.Env(), "quantize", st);
  return Napi::Value(info.Env(), out.value);
}

// dequantize(q, dtype, outer, axisLen, inner, granularity, groupSize, scale, zeroPoint, out)
static Napi::Value Dequantize(const Napi::CallbackInfo& info) {
  Args args(info, "dequantize");
  const ei8_dtype dt = args.dtype(1, "dtype");
  size_t count, np;
  const ei8_qview v = read_view(args, 2, count, np);
  const View q = args.bytes(0, "q.data", dt, count);
  const View scale = args.array(7, "scale", napi_float32_array, np);
  const View zp = args.array(8, "zeroPoint", napi_int32_array, np);
  const View out = args.array(9, "out", napi_float32_array, count);
  const ei8_status st = ei8_dequantize(q.data, dt, &v, scale.as<float>(), zp.as<int32_t>(), out.as<float>());
  if (st != EI8_OK) throw status_error(info.Env(), "dequantize", st);
  return Napi::Value(info.Env(), out.value);
}

EI8_NAPI_EXPORT("chooseQParams", ChooseQParams);
EI8_NAPI_EXPORT("quantize", Quantize);
EI8_NAPI_EXPORT("dequantize", Dequantize);

}  // namespace ei8napi
