#include "napi/packed_weights.h"

#include "napi/exports.h"

namespace ei8napi {

static Napi::Value PackWeights(const Napi::CallbackInfo& info) {
  Args args(info, "packWeights");
  const ei8_dtype dt = args.dtype(1, "dtype");
  const bool nk = args.boolean(2, "layoutNk");
  const size_t k = args.size(3, "k"), n = args.size(4, "n");
  const size_t group_size = args.size(7, "groupSize", 0);
  const size_t count = checked_mul(args, k, n, "k x n");
  const View data = args.bytes(0, "data", dt, count);
  const size_t groups = group_size ? (k + group_size - 1) / group_size : 1;
  const View zp = args.array(5, "zeroPoint", napi_int32_array, 1);
  const size_t n_params = zp.length;
  const bool params_ok = group_size ? n_params == groups * n : (n_params == 1 || n_params == n);
  if (!params_ok) args.throw_range("zeroPoint.length (" + std::to_string(n_params) + ") does not match the weights", kInvalidLength);
  const float* scale = nullptr;
  if (!args.is_null(6)) {
    const View s = args.array(6, "scale", napi_float32_array, n_params);
    if (s.length != n_params) args.throw_range("scale.length != zeroPoint.length", kInvalidLength);
    scale = s.as<float>();
  }
  ei8_packed* packed = nullptr;
  const ei8_status st = ei8_pack_weights(data.data, dt, nk ? EI8_LAYOUT_NK : EI8_LAYOUT_KN, k, n, zp.as<int32_t>(),
                                         scale, n_params, group_size, &packed);
  if (st != EI8_OK) throw status_error(info.Env(), "packWeights", st);
  return NativePacked::Wrap(info.Env(), packed);
}

EI8_NAPI_EXPORT("packWeights", PackWeights);

}  // namespace ei8napi
