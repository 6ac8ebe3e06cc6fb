// Codebook weights and their matmuls (edge_int8_codebook.h) as Node functions. Same conventions as
// matmul_napi.cc: every argument re-checked, sync calls compute in place, async calls copy their
// inputs and compute into a private buffer on a libuv worker.
#include "edge_int8_codebook.h"
#include "napi/args.h"
#include "napi/exports.h"
#include "napi/matmul_call.h"
#include "napi/native_weights.h"

namespace ei8napi {

namespace {

// ------------------------------------------------------------------ the codebook object ----

struct CodebookKind {
  using Type = ei8_codebook;
  static constexpr WeightsKind kKind = WeightsKind::CODEBOOK;
  static constexpr const char* kClass = "NativeCodebook";
  static constexpr const char* kName = "CodebookWeights";
  static constexpr const char* kFrom = "packCodebook()";
  static void retain(Type* w) { ei8_codebook_retain(w); }
  static void release(Type* w) { ei8_codebook_release(w); }
  static size_t bytes(const Type* w) { return ei8_codebook_bytes(w); }
  static constexpr const char* kDescribe = nullptr;
  static Napi::Value describe(Napi::Env env, Type*) { return env.Undefined(); }
};

using NativeCodebook = NativeWeights<CodebookKind>;

struct CodebookWeightsKind {
  using Handle = ei8_codebook;
  static constexpr const char* kResource = "edge-int8:codebook";
  static constexpr const char* kNames[4] = {"codebookMatmulInt32", "codebookMatmul", "codebookMatmulDequantize",
                                            "codebookMatmulF32"};
  static Handle* take(const Args& args, size_t i, const char* name) { return NativeCodebook::Take(args, i, name); }
  static void release(Handle* h) { ei8_codebook_release(h); }
  static size_t n(const Handle* h) { return ei8_codebook_n(h); }
  static ei8_status i32(const ei8_activations* a, const Handle* w, int32_t* out) { return ei8_codebook_matmul_i32(a, w, out); }
  static ei8_status requant(const ei8_activations* a, const Handle* w, const ei8_requant* rq, void* out) {
    return ei8_codebook_matmul_requant(a, w, rq, out);
  }
  static ei8_status dequant(const ei8_activations* a, const float* sa, size_t n_sa, const Handle* w, const float* bias,
                            float* out) {
    return ei8_codebook_matmul_dequant(a, sa, n_sa, w, bias, out);
  }
  static ei8_status f32(const float* a, size_t m, size_t k, int per_token, const Handle* w, const float* bias, float* out,
                        size_t* bad_index) {
    return ei8_codebook_matmul_f32(a, m, k, per_token, w, bias, out, bad_index);
  }
};

}  // namespace

// codebookPack(indices: Uint8Array, layoutNk, k, n, tables: Int8Array, scales: Float32Array, nBooks, groupSize)
static Napi::Value CodebookPack(const Napi::CallbackInfo& info) {
  Args args(info, "packCodebook");
  const bool nk = args.boolean(1, "layoutNk");
  const size_t k = args.size(2, "k"), n = args.size(3, "n");
  const size_t n_books = args.size(6, "nBooks");
  const size_t group_size = args.size(7, "groupSize", 0);
  const size_t count = checked_mul(args, k, n, "k x n");
  const View indices = args.array(0, "indices", napi_uint8_array, (count + 1) / 2);
  const View tables = args.array(4, "tables", napi_int8_array, checked_mul(args, n_books, 16, "nBooks x 16"));
  const View scales = args.array(5, "scales", napi_float32_array, n_books);
  ei8_codebook* cb = nullptr;
  const ei8_status st = ei8_codebook_pack(indices.as<const uint8_t>(), nk ? EI8_LAYOUT_NK : EI8_LAYOUT_KN, k, n,
                                          tables.as<const int8_t>(), scales.as<const float>(), n_books, group_size, &cb);
  if (st != EI8_OK) throw status_error(info.Env(), "packCodebook", st, st == EI8_E_ARG ? "nBooks does not match the weights" : "");
  return NativeCodebook::Wrap(info.Env(), cb);
}

static Napi::Value CodebookKernels(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  Napi::Array list = Napi::Array::New(env, ei8_codebook_kernel_count());
  for (size_t i = 0; i < ei8_codebook_kernel_count(); ++i) list.Set(static_cast<uint32_t>(i), ei8_codebook_kernel_name(i));
  o.Set("available", list);
  o.Set("current", ei8_codebook_kernel_current());
  return o;
}

static Napi::Value SetCodebookKernel(const Napi::CallbackInfo& info) {
  Args args(info, "setCodebookKernel");
  const std::string name = args.string(0, "kernel");
  if (ei8_codebook_set_kernel(name.c_str()) != EI8_OK)
    args.throw_range("kernel '" + name + "' is not available here", kUnknownIsa);
  return info.Env().Undefined();
}

static Napi::Value CodebookKernelCalls(const Napi::CallbackInfo& info) {
  Args args(info, "codebookKernelCalls");
  return Napi::Number::New(info.Env(), static_cast<double>(ei8_codebook_kernel_calls(args.string(0, "kernel").c_str())));
}

EI8_NAPI_EXPORT("codebookPack", CodebookPack);
EI8_NAPI_EXPORT("codebookMatmulInt32", MatmulInt32<CodebookWeightsKind>);
EI8_NAPI_EXPORT("codebookMatmulRequant", MatmulRequant<CodebookWeightsKind>);
EI8_NAPI_EXPORT("codebookMatmulDequant", MatmulDequant<CodebookWeightsKind>);
EI8_NAPI_EXPORT("codebookMatmulF32", MatmulF32<CodebookWeightsKind>);
EI8_NAPI_EXPORT("codebookKernels", CodebookKernels);
EI8_NAPI_EXPORT("setCodebookKernel", SetCodebookKernel);
EI8_NAPI_EXPORT("codebookKernelCalls", CodebookKernelCalls);

}  // namespace ei8napi
