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

struct CodebookRef {
  ei8_codebook* p = nullptr;
  CodebookRef() = default;
  CodebookRef(const CodebookRef&) = delete;
  CodebookRef& operator=(const CodebookRef&) = delete;
  ~CodebookRef() { ei8_codebook_release(p); }
};

// ----------------------------------------------------------------------------- matmuls ----

enum class Kind { I32, REQUANT, DEQUANT, F32 };

struct Op {
  Kind kind;
  const char* fn;
  CodebookRef w;
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
  std::vector<uint8_t> a_copy, bias_copy, out_copy;  // async calls only

  Op(Kind k_, const char* fn_) : kind(k_), fn(fn_) {}
  Op(Op&& o) noexcept
      : kind(o.kind), fn(o.fn), a(o.a), za(o.za), a_scale(o.a_scale), a_f32(o.a_f32), per_token(o.per_token), m(o.m),
        k(o.k), a_bytes(o.a_bytes), rq(o.rq), bias(o.bias), bias_bytes(o.bias_bytes), out(o.out), out_bytes(o.out_bytes) {
    w.p = o.w.p;
    o.w.p = nullptr;
  }

  void run() {
    switch (kind) {
      case Kind::I32: status = ei8_codebook_matmul_i32(&a, w.p, static_cast<int32_t*>(out)); break;
      case Kind::REQUANT: status = ei8_codebook_matmul_requant(&a, w.p, &rq, out); break;
      case Kind::DEQUANT:
        status = ei8_codebook_matmul_dequant(&a, &a_scale, 1, w.p, static_cast<const float*>(bias), static_cast<float*>(out));
        break;
      case Kind::F32:
        status = ei8_codebook_matmul_f32(a_f32, m, k, per_token, w.p, static_cast<const float*>(bias),
                                         static_cast<float*>(out), &bad_index);
        break;
    }
  }

  Napi::Error error(Napi::Env env) const {
    std::string detail;
    if (status == EI8_E_NONFINITE) detail = "a[" + std::to_string(bad_index) + "] is NaN or infinite";
    if (status == EI8_E_OVERFLOW) detail = "k (" + std::to_string(k) + ") can overflow the int32 accumulator";
    return status_error(env, fn, status, detail);
  }

  // Moves every input the worker thread reads into memory this object owns.
  void own_inputs() {
    const void* src = kind == Kind::F32 ? static_cast<const void*>(a_f32) : a.data;
    a_copy.assign(static_cast<const uint8_t*>(src), static_cast<const uint8_t*>(src) + a_bytes);
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

class Worker : public Napi::AsyncWorker {
 public:
  Worker(Napi::Env env, std::unique_ptr<Op> op, napi_value out)
      : Napi::AsyncWorker(env, "edge-int8:codebook"), op_(std::move(op)), deferred_(Napi::Promise::Deferred::New(env)) {
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
  std::unique_ptr<Op> op_;
  Napi::Promise::Deferred deferred_;
  Napi::Reference<Napi::Value> out_ref_;
};

// Activation arguments (data, dtype, zeroPoint, m, k) at indices 0..4.
void read_activations(const Args& args, Op& op) {
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

// Runs now (the operation lives on the caller's stack), or moves it to a worker and returns its promise.
Napi::Value finish(const Args& args, Op& op, const View& out, bool async) {
  op.out = out.data;
  if (!async) {
    op.run();
    if (op.status != EI8_OK) throw op.error(args.env());
    return Napi::Value(args.env(), out.value);
  }
  auto owned = std::make_unique<Op>(std::move(op));
  owned->own_inputs();
  auto* worker = new Worker(args.env(), std::move(owned), out.value);
  Napi::Promise p = worker->promise();
  worker->Queue();
  return p;
}

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

// codebookMatmulInt32(aData, aDtype, aZp, m, k, codebook, out: Int32Array, async)
static Napi::Value CodebookMatmulInt32(const Napi::CallbackInfo& info) {
  Args args(info, "codebookMatmulInt32");
  Op op(Kind::I32, args.fn());
  read_activations(args, op);
  op.w.p = NativeCodebook::Take(args, 5, "b");
  op.out_bytes = checked_mul(args, op.m, ei8_codebook_n(op.w.p), "m x n") * 4;
  const View out = args.array(6, "out", napi_int32_array, op.out_bytes / 4);
  return finish(args, op, out, args.boolean(7, "async"));
}

// codebookMatmulRequant(aData, aDtype, aZp, m, k, aScale, codebook, outScale, outZp, outDtype, rounding,
//                       bias: Int32Array | null, clampMin, clampMax, out, async)
static Napi::Value CodebookMatmulRequant(const Napi::CallbackInfo& info) {
  Args args(info, "codebookMatmul");
  Op op(Kind::REQUANT, args.fn());
  read_activations(args, op);
  op.rq.a_scale = static_cast<float>(args.number(5, "a.scale"));
  op.w.p = NativeCodebook::Take(args, 6, "b");
  const size_t n = ei8_codebook_n(op.w.p);
  op.rq.out_scale = static_cast<float>(args.number(7, "output.scale"));
  op.rq.out_zero_point = static_cast<int32_t>(args.integer(8, "output.zeroPoint", -128, 255));
  op.rq.out_dtype = args.dtype(9, "output.dtype");
  op.rq.rounding = static_cast<ei8_rounding>(args.integer(10, "rounding", 0, 1));
  if (!args.is_null(11)) {
    op.bias = args.array(11, "bias", napi_int32_array, n).data;
    op.rq.bias = static_cast<const int32_t*>(op.bias);
    op.bias_bytes = n * 4;
  }
  op.rq.clamp_min = static_cast<int32_t>(args.integer(12, "clamp[0]", -128, 255));
  op.rq.clamp_max = static_cast<int32_t>(args.integer(13, "clamp[1]", -128, 255));
  op.out_bytes = checked_mul(args, op.m, n, "m x n");
  const View out = args.bytes(14, "out", op.rq.out_dtype, op.out_bytes);
  return finish(args, op, out, args.boolean(15, "async"));
}

// codebookMatmulDequant(aData, aDtype, aZp, m, k, aScale, codebook, bias: Float32Array | null, out, async)
static Napi::Value CodebookMatmulDequant(const Napi::CallbackInfo& info) {
  Args args(info, "codebookMatmulDequantize");
  Op op(Kind::DEQUANT, args.fn());
  read_activations(args, op);
  op.a_scale = static_cast<float>(args.number(5, "a.scale"));
  op.w.p = NativeCodebook::Take(args, 6, "b");
  const size_t n = ei8_codebook_n(op.w.p);
  if (!args.is_null(7)) {
    op.bias = args.array(7, "bias", napi_float32_array, n).data;
    op.bias_bytes = n * 4;
  }
  op.out_bytes = checked_mul(args, op.m, n, "m x n") * 4;
  const View out = args.array(8, "out", napi_float32_array, op.out_bytes / 4);
  return finish(args, op, out, args.boolean(9, "async"));
}

// codebookMatmulF32(a: Float32Array, m, k, perToken, codebook, bias: Float32Array | null, out, async)
static Napi::Value CodebookMatmulF32(const Napi::CallbackInfo& info) {
  Args args(info, "codebookMatmulF32");
  Op op(Kind::F32, args.fn());
  op.m = args.size(1, "m");
  op.k = args.size(2, "k");
  const size_t count = checked_mul(args, op.m, op.k, "m x k");
  op.a_f32 = args.array(0, "a", napi_float32_array, count).as<const float>();
  op.a_bytes = count * 4;
  op.per_token = args.boolean(3, "perToken");
  op.w.p = NativeCodebook::Take(args, 4, "b");
  const size_t n = ei8_codebook_n(op.w.p);
  if (!args.is_null(5)) {
    op.bias = args.array(5, "bias", napi_float32_array, n).data;
    op.bias_bytes = n * 4;
  }
  op.out_bytes = checked_mul(args, op.m, n, "m x n") * 4;
  const View out = args.array(6, "out", napi_float32_array, op.out_bytes / 4);
  return finish(args, op, out, args.boolean(7, "async"));
}

// codebookKernels() -> { available: string[], current: string }
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
EI8_NAPI_EXPORT("codebookMatmulInt32", CodebookMatmulInt32);
EI8_NAPI_EXPORT("codebookMatmulRequant", CodebookMatmulRequant);
EI8_NAPI_EXPORT("codebookMatmulDequant", CodebookMatmulDequant);
EI8_NAPI_EXPORT("codebookMatmulF32", CodebookMatmulF32);
EI8_NAPI_EXPORT("codebookKernels", CodebookKernels);
EI8_NAPI_EXPORT("setCodebookKernel", SetCodebookKernel);
EI8_NAPI_EXPORT("codebookKernelCalls", CodebookKernelCalls);

}  // namespace ei8napi
