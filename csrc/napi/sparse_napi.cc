// Sparse weights for JS: NativeSparse (owns one reference to an ei8_sparse), packSparse, and the
// sparse twins of the matmul entry points, with the same arguments as matmul_napi.cc (b is the id
// of a NativeSparse). Async calls copy their inputs and compute into a private buffer, as there.
#include "edge_int8.h"
#include "napi/args.h"
#include "napi/exports.h"
#include "napi/matmul_call.h"
#include "napi/native_weights.h"

namespace ei8napi {

namespace {

// SparseWeights as a JS object (native_weights.h).
struct SparseKind {
  using Type = ei8_sparse;
  static constexpr WeightsKind kKind = WeightsKind::SPARSE;
  static constexpr const char* kClass = "NativeSparse";
  static constexpr const char* kName = "SparseWeights";
  static constexpr const char* kFrom = "packSparse()";
  static void retain(Type* w) { ei8_sparse_retain(w); }
  static void release(Type* w) { ei8_sparse_release(w); }
  static size_t bytes(const Type* w) { return ei8_sparse_bytes(w); }
  static constexpr const char* kDescribe = "info";
  static Napi::Value describe(Napi::Env env, Type* s) {
    ei8_sparse_format f;
    uint32_t r, c, nn, mm;
    ei8_sparse_describe(s, &f, &r, &c, &nn, &mm);
    static const char* const names[] = {"auto", "csr", "bsr", "nm", "dense", "sell"};
    Napi::Object o = Napi::Object::New(env);
    o.Set("format", names[f]);
    o.Set("blockR", r);
    o.Set("blockC", c);
    o.Set("nmN", nn);
    o.Set("nmM", mm);
    o.Set("nnz", static_cast<double>(ei8_sparse_nnz(s)));
    o.Set("streamBytes", static_cast<double>(ei8_sparse_stream_bytes(s)));
    return o;
  }
};

using NativeSparse = NativeWeights<SparseKind>;

// packSparse(data, dtype, layoutNk, k, n, zeroPoint, scale | null, format, blockR, blockC, nmN, nmM, rows)
Napi::Value PackSparse(const Napi::CallbackInfo& info) {
  Args args(info, "packSparse");
  const ei8_dtype dt = args.dtype(1, "dtype");
  const bool nk = args.boolean(2, "layoutNk");
  const size_t k = args.size(3, "k"), n = args.size(4, "n");
  const size_t count = checked_mul(args, k, n, "k x n");
  const View data = args.bytes(0, "data", dt, count);
  const View zp = args.array(5, "zeroPoint", napi_int32_array, 1);
  const size_t n_params = zp.length;
  if (n_params != 1 && n_params != n)
    args.throw_range("zeroPoint.length (" + std::to_string(n_params) + ") must be 1 or n (" + std::to_string(n) + ")",
                     kInvalidLength);
  const float* scale = nullptr;
  if (!args.is_null(6)) {
    const View s = args.array(6, "scale", napi_float32_array, n_params);
    if (s.length != n_params) args.throw_range("scale.length != zeroPoint.length", kInvalidLength);
    scale = s.as<float>();
  }
  ei8_sparse_options o{};
  o.format = static_cast<ei8_sparse_format>(args.integer(7, "format", EI8_SPARSE_AUTO, EI8_SPARSE_SELL));
  o.block_r = static_cast<uint32_t>(args.integer(8, "blockR", 0, 64));
  o.block_c = static_cast<uint32_t>(args.integer(9, "blockC", 0, 64));
  o.nm_n = static_cast<uint32_t>(args.integer(10, "nmN", 0, 64));
  o.nm_m = static_cast<uint32_t>(args.integer(11, "nmM", 0, 64));
  o.rows = static_cast<uint32_t>(args.integer(12, "rows", 0, 0x7fffffff));
  ei8_sparse* s = nullptr;
  const ei8_status st = ei8_pack_sparse(data.data, dt, nk ? EI8_LAYOUT_NK : EI8_LAYOUT_KN, k, n, zp.as<int32_t>(), scale,
                                        n_params, &o, &s);
  if (st != EI8_OK) throw status_error(info.Env(), "packSparse", st);
  return NativeSparse::Wrap(info.Env(), s);
}
EI8_NAPI_EXPORT("packSparse", PackSparse);

struct SparseWeightsKind {
  using Handle = ei8_sparse;
  static constexpr const char* kResource = "edge-int8:sparse-matmul";
  static constexpr const char* kNames[4] = {"matmulInt32", "matmul", "matmulDequantize", "matmulF32"};
  static Handle* take(const Args& args, size_t i, const char* name) { return NativeSparse::Take(args, i, name); }
  static void release(Handle* h) { ei8_sparse_release(h); }
  static size_t n(const Handle* h) { return ei8_sparse_n(h); }
  static ei8_status i32(const ei8_activations* a, const Handle* w, int32_t* out) { return ei8_sparse_matmul_i32(a, w, out); }
  static ei8_status requant(const ei8_activations* a, const Handle* w, const ei8_requant* rq, void* out) {
    return ei8_sparse_matmul_requant(a, w, rq, out);
  }
  static ei8_status dequant(const ei8_activations* a, const float* sa, size_t n_sa, const Handle* w, const float* bias,
                            float* out) {
    return ei8_sparse_matmul_dequant(a, sa, n_sa, w, bias, out);
  }
  static ei8_status f32(const float* a, size_t m, size_t k, int per_token, const Handle* w, const float* bias, float* out,
                        size_t* bad_index) {
    return ei8_sparse_matmul_f32(a, m, k, per_token, w, bias, out, bad_index);
  }
};

Napi::Value SparseIsa(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), ei8_sparse_isa_current()); }

Napi::Value SparseSellKernel(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), ei8_sparse_sell_kernel());
}

Napi::Value SparseIsaCalls(const Napi::CallbackInfo& info) {
  Args args(info, "sparseIsaCalls");
  return Napi::Number::New(info.Env(), static_cast<double>(ei8_sparse_isa_calls(args.string(0, "isa").c_str())));
}

}  // namespace

EI8_NAPI_EXPORT("sparseMatmulInt32", MatmulInt32<SparseWeightsKind>);
EI8_NAPI_EXPORT("sparseMatmulRequant", MatmulRequant<SparseWeightsKind>);
EI8_NAPI_EXPORT("sparseMatmulDequant", MatmulDequant<SparseWeightsKind>);
EI8_NAPI_EXPORT("sparseMatmulF32", MatmulF32<SparseWeightsKind>);
EI8_NAPI_EXPORT("sparseIsa", SparseIsa);
EI8_NAPI_EXPORT("sparseIsaCalls", SparseIsaCalls);
EI8_NAPI_EXPORT("sparseSellKernel", SparseSellKernel);

}  // namespace ei8napi
