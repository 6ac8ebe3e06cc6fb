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

  explicit NativeSparse(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeSparse>(info) {
    if (info.Length() != 1 || !info[0].IsExternal())
      throw make_type_error(info.Env(), "NativeSparse cannot be constructed directly");
    sparse_ = info[0].As<Napi::External<ei8_sparse>>().Data();
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
    static const char* const names[] = {"auto", "csr", "bsr", "nm", "dense"};
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

struct SparseRef {
  ei8_sparse* p = nullptr;
  SparseRef() = default;
  SparseRef(const SparseRef&) = delete;
  SparseRef& operator=(const SparseRef&) = delete;
  ~SparseRef() { ei8_sparse_release(p); }
};

// packSparse(data, dtype, layoutNk, k, n, zeroPoint, scale | null, format, blockR, blockC, nmN, nmM)
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
  o.format = static_cast<ei8_sparse_format>(args.integer(7, "format", EI8_SPARSE_AUTO, EI8_SPARSE_DENSE));
  o.block_r = static_cast<uint32_t>(args.integer(8, "blockR", 0, 64));
  o.block_c = static_cast<uint32_t>(args.integer(9, "blockC", 0, 64));
  o.nm_n = static_cast<uint32_t>(args.integer(10, "nmN", 0, 64));
  o.nm_m = static_cast<uint32_t>(args.integer(11, "nmM", 0, 64));
  ei8_sparse* s = nullptr;
  const ei8_status st = ei8_pack_sparse(data.data, dt, nk ? EI8_LAYOUT_NK : EI8_LAYOUT_KN, k, n, zp.as<int32_t>(), scale,
                                        n_params, &o, &s);
  if (st != EI8_OK) throw status_error(info.Env(), "packSparse", st);
  return NativeSparse::Ctor(info.Env()).New({Napi::External<ei8_sparse>::New(info.Env(), s)});
}
EI8_NAPI_EXPORT("packSparse", PackSparse);

enum class Kind { I32, REQUANT, DEQUANT, F32 };

struct SparseOp {
  Kind kind;
  const char* fn;
  SparseRef w;
  ei8_activations a{};
  int32_t za = 0;
  float a_scale = 1.0f;
  const float* a_f32 = nullptr;
  bool per_token = false;
  size_t m = 0, k = 0, a_bytes = 0;
  ei8_requant rq{};
  const void* bias = nullptr;
  size_t bias_bytes = 0;
  void* out = nullptr;
  size_t out_bytes = 0;
  ei8_status status = EI8_OK;
  size_t bad_index = 0;
  std::vector<uint8_t> a_copy, bias_copy, out_copy;

  SparseOp(Kind k_, const char* fn_) : kind(k_), fn(fn_) {}

  void run() {
    switch (kind) {
      case Kind::I32: status = ei8_sparse_matmul_i32(&a, w.p, static_cast<int32_t*>(out)); break;
      case Kind::REQUANT: status = ei8_sparse_matmul_requant(&a, w.p, &rq, out); break;
      case Kind::DEQUANT:
        status = ei8_sparse_matmul_dequant(&a, &a_scale, 1, w.p, static_cast<const float*>(bias), static_cast<float*>(out));
        break;
      case Kind::F32:
        status = ei8_sparse_matmul_f32(a_f32, m, k, per_token, w.p, static_cast<const float*>(bias),
                                       static_cast<float*>(out), &bad_index);
        break;
    }
  }

  Napi::Error error(Napi::Env env) const {
    std::string detail;
    if (status == EI8_E_NONFINITE) detail = "a[" + std::to_string(bad_index) + "] is NaN or infinite";
    if (status == EI8_E_OVERFLOW)
      detail = "k (" + std::to_string(k) + ") can overflow the int32 accumulator for these zero points";
    return status_error(env, fn, status, detail);
  }

  // Moves every input the worker thread reads into memory this object owns.
  void own_inputs() {
    const uint8_t* src = static_cast<const uint8_t*>(kind == Kind::F32 ? static_cast<const void*>(a_f32) : a.data);
    a_copy.assign(src, src + a_bytes);
    if (kind == Kind::F32)
      a_f32 = reinterpret_cast<const float*>(a_copy.data());
    else
      a.data = a_copy.data();
    if (bias) {
      bias_copy.assign(static_cast<const uint8_t*>(bias), static_cast<const uint8_t*>(bias) + bias_bytes);
      bias = bias_copy.data();
    }
    out_copy.resize(out_bytes);
    out = out_copy.data();
    a.zero_point = &za;
    if (kind == Kind::REQUANT) rq.bias = static_cast<const int32_t*>(bias);
  }
};

class SparseWorker : public Napi::AsyncWorker {
 public:
  SparseWorker(Napi::Env env, std::unique_ptr<SparseOp> op, napi_value out)
      : Napi::AsyncWorker(env, "edge-int8:sparse-matmul"), op_(std::move(op)), deferred_(Napi::Promise::Deferred::New(env)) {
    out_ref_ = Napi::Persistent(Napi::Value(env, out));
  }
  Napi::Promise promise() const { return deferred_.Promise(); }
  void Execute() override { op_->run(); }
  void OnOK() override {
    Napi::Env env = Env();
    if (op_->status != EI8_OK) {
      deferred_.Reject(op_->error(env).Value());
      return;
    }
    Napi::Value out = out_ref_.Value();
    void* data = nullptr;
    size_t bytes = 0;
    if (!typed_array_bytes(env, out, &data, &bytes) || bytes < op_->out_bytes) {
      deferred_.Reject(make_type_error(env, std::string(op_->fn) + ": out was detached before the result was ready", kDetached).Value());
      return;
    }
    std::memcpy(data, op_->out_copy.data(), op_->out_bytes);
    deferred_.Resolve(out);
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  std::unique_ptr<SparseOp> op_;
  Napi::Promise::Deferred deferred_;
  Napi::Reference<Napi::Value> out_ref_;
};

void read_activations(const Args& args, SparseOp& op) {
  op.a.dtype = args.dtype(1, "a.dtype");
  op.za = static_cast<int32_t>(args.integer(2, "a.zeroPoint", -128, 255));
  op.m = args.size(3, "m");
  op.k = args.size(4, "k");
  op.a_bytes = checked_mul(args, op.m, op.k, "m x k");
  op.a.data = args.bytes(0, "a.data", op.a.dtype, op.a_bytes).data;
  op.a.m = op.m;
  op.a.k = op.k;
  op.a.row_stride = op.k;
  op.a.zero_point = &op.za;
  op.a.n_zero_points = 1;
}

// Runs now, or moves the operation to a worker and returns its promise.
Napi::Value finish(const Args& args, std::unique_ptr<SparseOp> op, const View& out, bool async) {
  op->out = out.data;
  if (!async) {
    op->run();
    if (op->status != EI8_OK) throw op->error(args.env());
    return Napi::Value(args.env(), out.value);
  }
  op->own_inputs();
  auto* worker = new SparseWorker(args.env(), std::move(op), out.value);
  Napi::Promise p = worker->promise();
  worker->Queue();
  return p;
}

// sparseMatmulInt32(aData, aDtype, aZp, m, k, sparse, out, async)
Napi::Value SparseMatmulInt32(const Napi::CallbackInfo& info) {
  Args args(info, "matmulInt32");
  auto op = std::make_unique<SparseOp>(Kind::I32, args.fn());
  read_activations(args, *op);
  op->w.p = NativeSparse::Take(args, 5, "b");
  op->out_bytes = checked_mul(args, op->m, ei8_sparse_n(op->w.p), "m x n") * 4;
  const View out = args.array(6, "out", napi_int32_array, op->out_bytes / 4);
  return finish(args, std::move(op), out, args.boolean(7, "async"));
}

// sparseMatmulRequant(aData, aDtype, aZp, m, k, aScale, sparse, outScale, outZp, outDtype, rounding,
//                     bias | null, clampMin, clampMax, out, async)
Napi::Value SparseMatmulRequant(const Napi::CallbackInfo& info) {
  Args args(info, "matmul");
  auto op = std::make_unique<SparseOp>(Kind::REQUANT, args.fn());
  read_activations(args, *op);
  op->rq.a_scale = static_cast<float>(args.number(5, "a.scale"));
  op->w.p = NativeSparse::Take(args, 6, "b");
  const size_t n = ei8_sparse_n(op->w.p);
  op->rq.out_scale = static_cast<float>(args.number(7, "output.scale"));
  op->rq.out_zero_point = static_cast<int32_t>(args.integer(8, "output.zeroPoint", -128, 255));
  op->rq.out_dtype = args.dtype(9, "output.dtype");
  op->rq.rounding = static_cast<ei8_rounding>(args.integer(10, "rounding", 0, 1));
  if (!args.is_null(11)) {
    op->bias = args.array(11, "bias", napi_int32_array, n).data;
    op->rq.bias = static_cast<const int32_t*>(op->bias);
    op->bias_bytes = n * 4;
  }
  op->rq.clamp_min = static_cast<int32_t>(args.integer(12, "clamp[0]", -128, 255));
  op->rq.clamp_max = static_cast<int32_t>(args.integer(13, "clamp[1]", -128, 255));
  op->out_bytes = checked_mul(args, op->m, n, "m x n");
  const View out = args.bytes(14, "out", op->rq.out_dtype, op->out_bytes);
  return finish(args, std::move(op), out, args.boolean(15, "async"));
}

// sparseMatmulDequant(aData, aDtype, aZp, m, k, aScale, sparse, bias | null, out, async)
Napi::Value SparseMatmulDequant(const Napi::CallbackInfo& info) {
  Args args(info, "matmulDequantize");
  auto op = std::make_unique<SparseOp>(Kind::DEQUANT, args.fn());
  read_activations(args, *op);
  op->a_scale = static_cast<float>(args.number(5, "a.scale"));
  op->w.p = NativeSparse::Take(args, 6, "b");
  const size_t n = ei8_sparse_n(op->w.p);
  if (!args.is_null(7)) {
    op->bias = args.array(7, "bias", napi_float32_array, n).data;
    op->bias_bytes = n * 4;
  }
  op->out_bytes = checked_mul(args, op->m, n, "m x n") * 4;
  const View out = args.array(8, "out", napi_float32_array, op->out_bytes / 4);
  return finish(args, std::move(op), out, args.boolean(9, "async"));
}

// sparseMatmulF32(a, m, k, perToken, sparse, bias | null, out, async)
Napi::Value SparseMatmulF32(const Napi::CallbackInfo& info) {
  Args args(info, "matmulF32");
  auto op = std::make_unique<SparseOp>(Kind::F32, args.fn());
  op->m = args.size(1, "m");
  op->k = args.size(2, "k");
  const size_t count = checked_mul(args, op->m, op->k, "m x k");
  op->a_f32 = args.array(0, "a", napi_float32_array, count).as<float>();
  op->a_bytes = count * 4;
  op->per_token = args.boolean(3, "perToken");
  op->w.p = NativeSparse::Take(args, 4, "b");
  const size_t n = ei8_sparse_n(op->w.p);
  if (!args.is_null(5)) {
    op->bias = args.array(5, "bias", napi_float32_array, n).data;
    op->bias_bytes = n * 4;
  }
  op->out_bytes = checked_mul(args, op->m, n, "m x n") * 4;
  const View out = args.array(6, "out", napi_float32_array, op->out_bytes / 4);
  return finish(args, std::move(op), out, args.boolean(7, "async"));
}

Napi::Value SparseIsa(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), ei8_sparse_isa_current()); }

Napi::Value SparseIsaCalls(const Napi::CallbackInfo& info) {
  Args args(info, "sparseIsaCalls");
  return Napi::Number::New(info.Env(), static_cast<double>(ei8_sparse_isa_calls(args.string(0, "isa").c_str())));
}

}  // namespace

EI8_NAPI_EXPORT("sparseMatmulInt32", SparseMatmulInt32);
EI8_NAPI_EXPORT("sparseMatmulRequant", SparseMatmulRequant);
EI8_NAPI_EXPORT("sparseMatmulDequant", SparseMatmulDequant);
EI8_NAPI_EXPORT("sparseMatmulF32", SparseMatmulF32);
EI8_NAPI_EXPORT("sparseIsa", SparseIsa);
EI8_NAPI_EXPORT("sparseIsaCalls", SparseIsaCalls);

}  // namespace ei8napi
