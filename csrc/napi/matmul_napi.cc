// matmul entry points: the same operation runs on the calling thread (sync) or on a libuv worker
// (async). Async calls copy their inputs and compute into a private buffer, copied into `out` on
// completion; so a buffer the caller detaches or resizes meanwhile can never be read or written.
#include <cstring>
#include <memory>
#include <vector>

#include "napi/args.h"
#include "napi/exports.h"
#include "napi/packed_weights.h"

namespace ei8napi {

namespace {

enum class Kind { I32, REQUANT, DEQUANT, F32 };

struct MatmulOp {
  Kind kind;
  const char* fn;
  PackedRef w;
  // activations
  ei8_activations a{};
  int32_t za = 0;
  float a_scale = 1.0f;
  const float* a_f32 = nullptr;
  bool per_token = false;
  size_t m = 0, k = 0;
  size_t a_bytes = 0;
  // epilogue
  ei8_requant rq{};
  const void* bias = nullptr;  // int32 (REQUANT) or float (DEQUANT / F32)
  size_t bias_bytes = 0;
  // output
  void* out = nullptr;
  size_t out_bytes = 0;
  // result
  ei8_status status = EI8_OK;
  size_t bad_index = 0;

  // Owned copies for async calls.
  std::vector<uint8_t> a_copy, bias_copy, out_copy;

  MatmulOp(Kind k_, const char* fn_) : kind(k_), fn(fn_) {}
  MatmulOp(MatmulOp&&) = default;

  void run() {
    switch (kind) {
      case Kind::I32: status = ei8_matmul_i32(&a, w.p, static_cast<int32_t*>(out)); break;
      case Kind::REQUANT: status = ei8_matmul_requant(&a, w.p, &rq, out); break;
      case Kind::DEQUANT:
        status = ei8_matmul_dequant(&a, &a_scale, 1, w.p, static_cast<const float*>(bias), static_cast<float*>(out));
        break;
      case Kind::F32:
        status = ei8_matmul_f32(a_f32, m, k, per_token, w.p, static_cast<const float*>(bias),
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
    const void* a_src = kind == Kind::F32 ? static_cast<const void*>(a_f32) : a.data;
    a_copy.assign(static_cast<const uint8_t*>(a_src), static_cast<const uint8_t*>(a_src) + a_bytes);
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

class MatmulWorker : public Napi::AsyncWorker {
 public:
  MatmulWorker(Napi::Env env, std::unique_ptr<MatmulOp> op, napi_value out)
      : Napi::AsyncWorker(env, "edge-int8:matmul"), op_(std::move(op)), deferred_(Napi::Promise::Deferred::New(env)) {
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
  std::unique_ptr<MatmulOp> op_;
  Napi::Promise::Deferred deferred_;
  Napi::Reference<Napi::Value> out_ref_;
};

// Reads the activation arguments (data, dtype, zeroPoint, m, k) starting at index 0.
void read_activations(const Args& args, MatmulOp& op) {
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

// Runs now (the operation lives on the caller's stack), or moves it to a worker and returns its
// promise.
Napi::Value finish(const Args& args, MatmulOp& op, const View& out, bool async) {
  op.out = out.data;
  if (!async) {
    op.run();
    if (op.status != EI8_OK) throw op.error(args.env());
    return Napi::Value(args.env(), out.value);
  }
  auto owned = std::make_unique<MatmulOp>(std::move(op));
  owned->own_inputs();
  auto* worker = new MatmulWorker(args.env(), std::move(owned), out.value);
  Napi::Promise p = worker->promise();
  worker->Queue();
  return p;
}

// matmulInt32(aData, aDtype, aZp, m, k, packed, out: Int32Array, async)
Napi::Value MatmulInt32(const Napi::CallbackInfo& info) {
  Args args(info, "matmulInt32");
  MatmulOp op(Kind::I32, args.fn());
  read_activations(args, op);
  op.w.p = NativePacked::Take(args, 5, "b");
  const size_t n = ei8_packed_n(op.w.p);
  op.out_bytes = checked_mul(args, op.m, n, "m x n") * 4;
  const View out = args.array(6, "out", napi_int32_array, op.out_bytes / 4);
  return finish(args, op, out, args.boolean(7, "async"));
}

// matmulRequant(aData, aDtype, aZp, m, k, aScale, packed, outScale, outZp, outDtype, rounding,
//               bias: Int32Array | null, clampMin, clampMax, out, async)
Napi::Value MatmulRequant(const Napi::CallbackInfo& info) {
  Args args(info, "matmul");
  MatmulOp op(Kind::REQUANT, args.fn());
  read_activations(args, op);
  op.rq.a_scale = static_cast<float>(args.number(5, "a.scale"));
  op.w.p = NativePacked::Take(args, 6, "b");
  const size_t n = ei8_packed_n(op.w.p);
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

// matmulDequant(aData, aDtype, aZp, m, k, aScale, packed, bias: Float32Array | null, out, async)
Napi::Value MatmulDequant(const Napi::CallbackInfo& info) {
  Args args(info, "matmulDequantize");
  MatmulOp op(Kind::DEQUANT, args.fn());
  read_activations(args, op);
  op.a_scale = static_cast<float>(args.number(5, "a.scale"));
  op.w.p = NativePacked::Take(args, 6, "b");
  const size_t n = ei8_packed_n(op.w.p);
  if (!args.is_null(7)) {
    op.bias = args.array(7, "bias", napi_float32_array, n).data;
    op.bias_bytes = n * 4;
  }
  op.out_bytes = checked_mul(args, op.m, n, "m x n") * 4;
  const View out = args.array(8, "out", napi_float32_array, op.out_bytes / 4);
  return finish(args, op, out, args.boolean(9, "async"));
}

// matmulF32(a: Float32Array, m, k, perToken, packed, bias: Float32Array | null, out, async)
Napi::Value MatmulF32(const Napi::CallbackInfo& info) {
  Args args(info, "matmulF32");
  MatmulOp op(Kind::F32, args.fn());
  op.m = args.size(1, "m");
  op.k = args.size(2, "k");
  const size_t count = checked_mul(args, op.m, op.k, "m x k");
  op.a_f32 = args.array(0, "a", napi_float32_array, count).as<const float>();
  op.a_bytes = count * 4;
  op.per_token = args.boolean(3, "perToken");
  op.w.p = NativePacked::Take(args, 4, "b");
  const size_t n = ei8_packed_n(op.w.p);
  if (!args.is_null(5)) {
    op.bias = args.array(5, "bias", napi_float32_array, n).data;
    op.bias_bytes = n * 4;
  }
  op.out_bytes = checked_mul(args, op.m, n, "m x n") * 4;
  const View out = args.array(6, "out", napi_float32_array, op.out_bytes / 4);
  return finish(args, op, out, args.boolean(7, "async"));
}

}  // namespace

EI8_NAPI_EXPORT("matmulInt32", MatmulInt32);
EI8_NAPI_EXPORT("matmulRequant", MatmulRequant);
EI8_NAPI_EXPORT("matmulDequant", MatmulDequant);
EI8_NAPI_EXPORT("matmulF32", MatmulF32);

}  // namespace ei8napi
