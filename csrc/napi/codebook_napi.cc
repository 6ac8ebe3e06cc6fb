// Codebook weights and their matmuls (edge_int8_codebook.h) as Node functions. Same conventions as
// matmul_napi.cc: every argument re-checked, sync calls compute in place, async calls copy their
// inputs and compute into a private buffer on a libuv worker.
#include <cstring>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "edge_int8_codebook.h"
#include "napi/args.h"
#include "napi/exports.h"
#include "napi/matmul_call.h"

namespace ei8napi {

namespace {

// ------------------------------------------------------------------ the codebook object ----

class NativeCodebook : public Napi::ObjectWrap<NativeCodebook> {
 public:
  static Napi::Function Class(Napi::Env env);
  // The codebook behind argument i, with one more reference for the caller to release.
  static ei8_codebook* Take(const Args& args, size_t i, const char* name);

  explicit NativeCodebook(const Napi::CallbackInfo& info);
  ~NativeCodebook() override;

 private:
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value Bytes(const Napi::CallbackInfo& info);

  ei8_codebook* cb_ = nullptr;
  int64_t reported_bytes_ = 0;
};

// Marks the JS objects that wrap an ei8_codebook: checked before any unwrap, so that an object of
// another class (or another addon) can never be mistaken for codebook weights.
const napi_type_tag kCodebookTag = {0x6564676569386e31ULL, 0x636f6465626f6f6bULL};

// The codebook CodebookPack is wrapping right now: the constructor accepts no other, so that script
// holding the class (obj.constructor) cannot wrap an arbitrary External.
thread_local ei8_codebook* pending = nullptr;

// One constructor per environment (main thread, each worker thread), dropped when it shuts down.
std::mutex ctor_mu;
std::unordered_map<napi_env, std::unique_ptr<Napi::FunctionReference>> ctors;

Napi::Function NativeCodebook::Class(Napi::Env env) {
  std::lock_guard<std::mutex> lock(ctor_mu);
  auto it = ctors.find(env);
  if (it != ctors.end()) return it->second->Value();
  Napi::Function f = DefineClass(env, "NativeCodebook",
                                 {InstanceMethod("dispose", &NativeCodebook::Dispose),
                                  InstanceMethod("bytes", &NativeCodebook::Bytes)});
  ctors[env] = std::make_unique<Napi::FunctionReference>(Napi::Persistent(f));
  napi_env raw = env;
  env.AddCleanupHook([raw] {
    std::lock_guard<std::mutex> l(ctor_mu);
    ctors.erase(raw);
  });
  return f;
}

// Constructed only by CodebookPack, which passes the ei8_codebook* as an External.
NativeCodebook::NativeCodebook(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeCodebook>(info) {
  if (info.Length() != 1 || !info[0].IsExternal() || pending == nullptr ||
      info[0].As<Napi::External<ei8_codebook>>().Data() != pending)
    throw make_type_error(info.Env(), "NativeCodebook cannot be constructed directly");
  cb_ = pending;
  pending = nullptr;
  napi_type_tag_object(info.Env(), info.This(), &kCodebookTag);
  reported_bytes_ = static_cast<int64_t>(ei8_codebook_bytes(cb_));
  Napi::MemoryManagement::AdjustExternalMemory(info.Env(), reported_bytes_);
}

NativeCodebook::~NativeCodebook() {
  if (cb_) Napi::MemoryManagement::AdjustExternalMemory(Env(), -reported_bytes_);
  ei8_codebook_release(cb_);
}

Napi::Value NativeCodebook::Dispose(const Napi::CallbackInfo& info) {
  if (cb_) {
    ei8_codebook_release(cb_);
    cb_ = nullptr;
    Napi::MemoryManagement::AdjustExternalMemory(info.Env(), -reported_bytes_);
    reported_bytes_ = 0;
  }
  return info.Env().Undefined();
}

Napi::Value NativeCodebook::Bytes(const Napi::CallbackInfo& info) {
  if (!cb_) throw make_type_error(info.Env(), "CodebookWeights: used after dispose()", kDisposed);
  return Napi::Number::New(info.Env(), static_cast<double>(ei8_codebook_bytes(cb_)));
}

ei8_codebook* NativeCodebook::Take(const Args& args, size_t i, const char* name) {
  Napi::Value v = args.value(i);
  bool tagged = false;
  if (!v.IsObject() || napi_check_object_type_tag(args.env(), v, &kCodebookTag, &tagged) != napi_ok || !tagged)
    args.throw_type(std::string(name) + " must be CodebookWeights from packCodebook()");
  NativeCodebook* self = Unwrap(v.As<Napi::Object>());
  if (!self || !self->cb_) args.throw_type(std::string(name) + " was disposed", kDisposed);
  ei8_codebook_retain(self->cb_);
  return self->cb_;
}

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
  Napi::External<ei8_codebook> ext = Napi::External<ei8_codebook>::New(info.Env(), cb);
  Napi::Function ctor = NativeCodebook::Class(info.Env());
  pending = cb;
  try {
    Napi::Object obj = ctor.New({ext});
    return obj;
  } catch (...) {
    if (pending == cb) ei8_codebook_release(cb);  // not adopted by an object
    pending = nullptr;
    throw;
  }
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
