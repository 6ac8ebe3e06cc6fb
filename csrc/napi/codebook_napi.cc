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
  if (!v.IsObject() || !v.As<Napi::Object>().InstanceOf(Class(args.env())))
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

void* data_of(const Napi::TypedArray& t) {
  return static_cast<uint8_t*>(t.ArrayBuffer().Data()) + t.ByteOffset();
}

// ----------------------------------------------------------------------------- matmuls ----

enum class Kind { I32, REQUANT, DEQUANT, F32 };

struct Op {
  Kind kind;
  std::string fn;
  CodebookRef w;
  ei8_activations a{};
  int32_t za = 0;
  float a_scale = 1.0f;
  const float* a_f32 = nullptr;
  bool per_token = false;
  size_t m = 0, k = 0;
  ei8_requant rq{};
  const void* bias = nullptr;
  void* out = nullptr;
  size_t out_bytes = 0;
  ei8_status status = EI8_OK;
  size_t bad_index = 0;
  std::vector<uint8_t> a_copy, bias_copy, out_copy;

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

  void own_inputs(size_t a_bytes, size_t bias_bytes) {
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
  Worker(Napi::Env env, std::unique_ptr<Op> op, Napi::TypedArray out)
      : Napi::AsyncWorker(env, "edge-int8:codebook"), op_(std::move(op)), deferred_(Napi::Promise::Deferred::New(env)) {
    out_ref_ = Napi::Persistent(out);
  }
  Napi::Promise promise() const { return deferred_.Promise(); }
  void Execute() override { op_->run(); }
  void OnOK() override {
    Napi::Env env = Env();
    if (op_->status != EI8_OK) {
      deferred_.Reject(op_->error(env).Value());
      return;
    }
    Napi::TypedArray out = out_ref_.Value();
    if (out.ArrayBuffer().IsDetached() || out.ByteLength() < op_->out_bytes) {
      deferred_.Reject(make_type_error(env, op_->fn + ": out was detached before the result was ready", kDetached).Value());
      return;
    }
    std::memcpy(data_of(out), op_->out_copy.data(), op_->out_bytes);
    deferred_.Resolve(out);
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  std::unique_ptr<Op> op_;
  Napi::Promise::Deferred deferred_;
  Napi::Reference<Napi::TypedArray> out_ref_;
};

// Activation arguments (data, dtype, zeroPoint, m, k) at indices 0..4.
void read_activations(const Args& args, Op& op, size_t& a_bytes) {
  op.a.dtype = args.dtype(1, "a.dtype");
  op.za = static_cast<int32_t>(args.integer(2, "a.zeroPoint", -128, 255));
  op.m = args.size(3, "m");
  op.k = args.size(4, "k");
  a_bytes = checked_mul(args, op.m, op.k, "m x k");
  op.a.data = data_of(args.bytes(0, "a.data", op.a.dtype, a_bytes));
  op.a.m = op.m;
  op.a.k = op.k;
  op.a.row_stride = op.k;
  op.a.zero_point = &op.za;
  op.a.n_zero_points = 1;
}

Napi::Value finish(const Args& args, std::unique_ptr<Op> op, Napi::TypedArray out, bool async, size_t a_bytes,
                   size_t bias_bytes) {
  op->out = data_of(out);
  if (!async) {
    op->run();
    if (op->status != EI8_OK) throw op->error(args.env());
    return out;
  }
  op->own_inputs(a_bytes, bias_bytes);
  auto* worker = new Worker(args.env(), std::move(op), out);
  Napi::Promise p = worker->promise();
  worker->Queue();
  return p;
}

std::unique_ptr<Op> new_op(const Args& args, Kind kind) {
  auto op = std::make_unique<Op>();
  op->kind = kind;
  op->fn = args.fn();
  return op;
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
  Napi::TypedArray indices = args.array<uint8_t>(0, "indices", napi_uint8_array, (count + 1) / 2);
  Napi::TypedArray tables = args.array<int8_t>(4, "tables", napi_int8_array, checked_mul(args, n_books, 16, "nBooks x 16"));
  Napi::Float32Array scales = args.array<float>(5, "scales", napi_float32_array, n_books);
  ei8_codebook* cb = nullptr;
  const ei8_status st = ei8_codebook_pack(static_cast<const uint8_t*>(data_of(indices)), nk ? EI8_LAYOUT_NK : EI8_LAYOUT_KN,
                                          k, n, static_cast<const int8_t*>(data_of(tables)), scales.Data(), n_books,
                                          group_size, &cb);
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
  auto op = new_op(args, Kind::I32);
  size_t a_bytes;
  read_activations(args, *op, a_bytes);
  op->w.p = NativeCodebook::Take(args, 5, "b");
  op->out_bytes = checked_mul(args, op->m, ei8_codebook_n(op->w.p), "m x n") * 4;
  Napi::Int32Array out = args.array<int32_t>(6, "out", napi_int32_array, op->out_bytes / 4);
  return finish(args, std::move(op), out, args.boolean(7, "async"), a_bytes, 0);
}

// codebookMatmulRequant(aData, aDtype, aZp, m, k, aScale, codebook, outScale, outZp, outDtype, rounding,
//                       bias: Int32Array | null, clampMin, clampMax, out, async)
static Napi::Value CodebookMatmulRequant(const Napi::CallbackInfo& info) {
  Args args(info, "codebookMatmul");
  auto op = new_op(args, Kind::REQUANT);
  size_t a_bytes;
  read_activations(args, *op, a_bytes);
  op->rq.a_scale = static_cast<float>(args.number(5, "a.scale"));
  op->w.p = NativeCodebook::Take(args, 6, "b");
  const size_t n = ei8_codebook_n(op->w.p);
  op->rq.out_scale = static_cast<float>(args.number(7, "output.scale"));
  op->rq.out_zero_point = static_cast<int32_t>(args.integer(8, "output.zeroPoint", -128, 255));
  op->rq.out_dtype = args.dtype(9, "output.dtype");
  op->rq.rounding = static_cast<ei8_rounding>(args.integer(10, "rounding", 0, 1));
  size_t bias_bytes = 0;
  if (!args.is_null(11)) {
    Napi::Int32Array bias = args.array<int32_t>(11, "bias", napi_int32_array, n);
    op->bias = bias.Data();
    op->rq.bias = bias.Data();
    bias_bytes = n * 4;
  }
  op->rq.clamp_min = static_cast<int32_t>(args.integer(12, "clamp[0]", -128, 255));
  op->rq.clamp_max = static_cast<int32_t>(args.integer(13, "clamp[1]", -128, 255));
  op->out_bytes = checked_mul(args, op->m, n, "m x n");
  Napi::TypedArray out = args.bytes(14, "out", op->rq.out_dtype, op->out_bytes);
  return finish(args, std::move(op), out, args.boolean(15, "async"), a_bytes, bias_bytes);
}

// codebookMatmulDequant(aData, aDtype, aZp, m, k, aScale, codebook, bias: Float32Array | null, out, async)
static Napi::Value CodebookMatmulDequant(const Napi::CallbackInfo& info) {
  Args args(info, "codebookMatmulDequantize");
  auto op = new_op(args, Kind::DEQUANT);
  size_t a_bytes;
  read_activations(args, *op, a_bytes);
  op->a_scale = static_cast<float>(args.number(5, "a.scale"));
  op->w.p = NativeCodebook::Take(args, 6, "b");
  const size_t n = ei8_codebook_n(op->w.p);
  size_t bias_bytes = 0;
  if (!args.is_null(7)) {
    op->bias = args.array<float>(7, "bias", napi_float32_array, n).Data();
    bias_bytes = n * 4;
  }
  op->out_bytes = checked_mul(args, op->m, n, "m x n") * 4;
  Napi::Float32Array out = args.array<float>(8, "out", napi_float32_array, op->out_bytes / 4);
  return finish(args, std::move(op), out, args.boolean(9, "async"), a_bytes, bias_bytes);
}

// codebookMatmulF32(a: Float32Array, m, k, perToken, codebook, bias: Float32Array | null, out, async)
static Napi::Value CodebookMatmulF32(const Napi::CallbackInfo& info) {
  Args args(info, "codebookMatmulF32");
  auto op = new_op(args, Kind::F32);
  op->m = args.size(1, "m");
  op->k = args.size(2, "k");
  const size_t count = checked_mul(args, op->m, op->k, "m x k");
  op->a_f32 = args.array<float>(0, "a", napi_float32_array, count).Data();
  op->per_token = args.boolean(3, "perToken");
  op->w.p = NativeCodebook::Take(args, 4, "b");
  const size_t n = ei8_codebook_n(op->w.p);
  size_t bias_bytes = 0;
  if (!args.is_null(5)) {
    op->bias = args.array<float>(5, "bias", napi_float32_array, n).Data();
    bias_bytes = n * 4;
  }
  op->out_bytes = checked_mul(args, op->m, n, "m x n") * 4;
  Napi::Float32Array out = args.array<float>(6, "out", napi_float32_array, op->out_bytes / 4);
  return finish(args, std::move(op), out, args.boolean(7, "async"), count * 4, bias_bytes);
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
