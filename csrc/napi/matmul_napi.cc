// The dense matmul entry points: packed weights through the shared call machinery of matmul_call.h.
#include "napi/exports.h"
#include "napi/matmul_call.h"
#include "napi/packed_weights.h"

namespace ei8napi {

namespace {

struct DenseWeights {
  using Handle = ei8_packed;
  static constexpr const char* kResource = "edge-int8:matmul";
  static constexpr const char* kNames[4] = {"matmulInt32", "matmul", "matmulDequantize", "matmulF32"};
  static Handle* take(const Args& args, size_t i, const char* name) { return NativePacked::Take(args, i, name); }
  static void release(Handle* h) { ei8_packed_release(h); }
  static size_t n(const Handle* h) { return ei8_packed_n(h); }
  static ei8_status i32(const ei8_activations* a, const Handle* w, int32_t* out) { return ei8_matmul_i32(a, w, out); }
  static ei8_status requant(const ei8_activations* a, const Handle* w, const ei8_requant* rq, void* out) {
    return ei8_matmul_requant(a, w, rq, out);
  }
  static ei8_status dequant(const ei8_activations* a, const float* sa, size_t n_sa, const Handle* w, const float* bias,
                            float* out) {
    return ei8_matmul_dequant(a, sa, n_sa, w, bias, out);
  }
  static ei8_status f32(const float* a, size_t m, size_t k, int per_token, const Handle* w, const float* bias, float* out,
                        size_t* bad_index) {
    return ei8_matmul_f32(a, m, k, per_token, w, bias, out, bad_index);
  }
};

}  // namespace

EI8_NAPI_EXPORT("matmulInt32", MatmulInt32<DenseWeights>);
EI8_NAPI_EXPORT("matmulRequant", MatmulRequant<DenseWeights>);
EI8_NAPI_EXPORT("matmulDequant", MatmulDequant<DenseWeights>);
EI8_NAPI_EXPORT("matmulF32", MatmulF32<DenseWeights>);

}  // namespace ei8napi
