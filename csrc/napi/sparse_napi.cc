// Sparse weights for JS: NativeSparse (owns one reference to an ei8_sparse), packSparse, and the
// sparse twins of the matmul entry points, with the same arguments as matmul_napi.cc (b is a
// NativeSparse). Async calls copy their inputs and compute into a private buffer, as there.
#include <cstring>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "edge_int8.h"
#include "napi/args.h"
#include "napi/exports.h"
#include "napi/matmul_call.h"

namespace ei8napi {

namespace {

class NativeSparse : public Napi::ObjectWrap<NativeSparse> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NativeSparse",
                       {InstanceMethod("dispose", &NativeSparse::Dispose), InstanceMethod("bytes", &NativeSparse::Bytes),
                        InstanceMethod("info", &NativeSparse::Info)});
  }

  // The constructor of this environment (created on first use, freed with the environment).
  static Napi::FunctionReference& Ctor(Napi::Env env) {
    static std::mutex mu;
    static std::unordered_map<napi_env, Napi::FunctionReference*> ctors;
    std::lock_guard<std::mutex> lock(mu);
    auto it = ctors.find(env);
    if (it != ctors.end()) return *it->second;
    auto* ref = new Napi::FunctionReference(Napi::Persistent(Define(env)));
    ctors[env] = ref;
    napi_env raw = env;
    env.AddCleanupHook([raw, ref] {
      std::lock_guard<std::mutex> l(mu);
      ctors.erase(raw);
      delete ref;
    });
    return *ref;
  }

  // The weights behind argument i with one more reference for the caller; throws if i is not a
  // NativeSparse or was disposed.
  static ei8_sparse* Take(const Args& args, size_t i, const char* name) {
    Napi::Value v = args.value(i);
    if (!v.IsObject() || !v.As<Napi::Object>().InstanceOf(Ctor(args.env()).Value()))
      args.throw_type(std::string(name) + " must be SparseWeights from packSparse()");
    NativeSparse* self = Unwrap(v.As<Napi::Object>());
    if (!self || !self->sparse_) args.throw_type(std::string(name) + " was disposed", kDisposed);
    ei8_sparse_retain(self->sparse_);
    return self->sparse_;
  }

  // The ei8_sparse PackSparse is wrapping right now: the constructor accepts no other External.
  static thread_local ei8_sparse* pending;

  explicit NativeSparse(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeSparse>(info) {
    if (info.Length() != 1 || !info[0].IsExternal() || pending == nullptr ||
        info[0].As<Napi::External<ei8_sparse>>().Data() != pending)
      throw make_type_error(info.Env(), "NativeSparse cannot be constructed directly");
    sparse_ = pending;
    pending = nullptr;
    reported_ = static_cast<int64_t>(ei8_sparse_bytes(sparse_));
    Napi::MemoryManagement::AdjustExternalMemory(info.Env(), reported_);
  }

  ~NativeSparse() override {
    if (sparse_) Napi::MemoryManagement::AdjustExternalMemory(Env(), -reported_);
    ei8_sparse_release(sparse_);
  }

 private:
  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    if (sparse_) {
      ei8_sparse_release(sparse_);
      sparse_ = nullptr;
      Napi::MemoryManagement::AdjustExternalMemory(info.Env(), -reported_);
      reported_ = 0;
    }
    return info.Env().Undefined();
  }

  ei8_sparse* live(const Napi::CallbackInfo& info) const {
    if (!sparse_) throw make_type_error(info.Env(), "SparseWeights: used after dispose()", kDisposed);
    return sparse_;
  }

  Napi::Value Bytes(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(ei8_sparse_bytes(live(info))));
  }

  Napi::Value Info(const Napi::CallbackInfo& info) {
    ei8_sparse* s = live(info);
    ei8_sparse_format f;
    uint32_t r, c, nn, mm;
    ei8_sparse_describe(s, &f, &r, &c, &nn, &mm);
    static const char* const names[] = {"auto", "csr", "bsr", "nm", "dense", "sell"};
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("format", names[f]);
    o.Set("blockR", r);
    o.Set("blockC", c);
    o.Set("nmN", nn);
    o.Set("nmM", mm);
    o.Set("nnz", static_cast<double>(ei8_sparse_nnz(s)));
    o.Set("streamBytes", static_cast<double>(ei8_sparse_stream_bytes(s)));
    return o;
  }

  ei8_sparse* sparse_ = nullptr;
  int64_t reported_ = 0;
};

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
  Napi::External<ei8_sparse> ext = Napi::External<ei8_sparse>::New(info.Env(), s);
  NativeSparse::pending = s;
  try {
    return NativeSparse::Ctor(info.Env()).New({ext});
  } catch (...) {
    NativeSparse::pending = nullptr;
    ei8_sparse_release(s);
    throw;
  }
}
EI8_NAPI_EXPORT("packSparse", PackSparse);

thread_local ei8_sparse* NativeSparse::pending = nullptr;

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
