// One matmul call from JS, for any kind of weights (packed dense, sparse, codebook): the argument
// checks, the run on the calling thread (sync, and the async calls AsyncPlacement puts there) or on
// a libuv worker (async). Async calls on a worker copy their inputs and compute into a private
// buffer that is copied into `out` on completion, so a buffer the caller detaches or resizes
// meanwhile is never read or written.
//
// A weights kind supplies a traits struct W:
//   using Handle;                                   the core's object (reference counted)
//   static constexpr const char* kResource;         async resource name
//   static constexpr const char* kNames[4];         function names for messages: i32, requant, dequant, f32
//   static Handle* take(const Args&, size_t i, const char* name);   one more reference, or throws
//                                                   (argument i is the weights' id, native_weights.h)
//   static void release(Handle*);  static size_t n(const Handle*);
//   static ei8_status i32(...), requant(...), dequant(...), f32(...);   the core's four entry points
// and registers the functions below with EI8_NAPI_EXPORT. Every kind takes the same arguments, the
// numbers packed in one Float64Array `params` (see Params in args.h):
//   Int32   (aData, weightsId, out: Int32Array, params [aDtype, aZp, m, k, async])
//   Requant (aData, weightsId, out, bias: Int32Array | null,
//            params [aDtype, aZp, m, k, aScale, outScale, outZp, outDtype, rounding, clampMin, clampMax, async])
//   Dequant (aData, weightsId, out: Float32Array, bias: Float32Array | null, params [aDtype, aZp, m, k, aScale, async])
//   F32     (a: Float32Array, weightsId, out: Float32Array, bias: Float32Array | null, params [m, k, perToken, async])
#pragma once

#include <napi.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "edge_int8.h"
#include "napi/args.h"
#include "napi/async_placement.h"

namespace ei8napi {

enum class MatmulKind { I32 = 0, REQUANT = 1, DEQUANT = 2, F32 = 3 };

template <class W>
struct MatmulCall {
  using Handle = typename W::Handle;

  MatmulKind kind;
  const char* fn;
  Handle* w = nullptr;
  // activations
  ei8_activations a{};
  int32_t za = 0;
  float a_scale = 1.0f;
  const float* a_f32 = nullptr;
  bool per_token = false;
  size_t m = 0, k = 0, a_bytes = 0;
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
  // Owned copies, async calls only.
  std::vector<uint8_t> a_copy, bias_copy, out_copy;

  explicit MatmulCall(MatmulKind kind_) : kind(kind_), fn(W::kNames[static_cast<int>(kind_)]) {}
  MatmulCall(MatmulCall&& o) noexcept
      : kind(o.kind), fn(o.fn), w(o.w), a(o.a), za(o.za), a_scale(o.a_scale), a_f32(o.a_f32), per_token(o.per_token),
        m(o.m), k(o.k), a_bytes(o.a_bytes), rq(o.rq), bias(o.bias), bias_bytes(o.bias_bytes), out(o.out),
        out_bytes(o.out_bytes) {
    o.w = nullptr;
  }
  MatmulCall(const MatmulCall&) = delete;
  MatmulCall& operator=(const MatmulCall&) = delete;
  ~MatmulCall() {
    if (w) W::release(w);
  }

  AsyncPlacement::Key placement_key() const { return {w, W::kResource, m, k, W::n(w), static_cast<int>(kind)}; }

  void run() {
    switch (kind) {
      case MatmulKind::I32: status = W::i32(&a, w, static_cast<int32_t*>(out)); break;
      case MatmulKind::REQUANT: status = W::requant(&a, w, &rq, out); break;
      case MatmulKind::DEQUANT:
        status = W::dequant(&a, &a_scale, 1, w, static_cast<const float*>(bias), static_cast<float*>(out));
        break;
      case MatmulKind::F32:
        status = W::f32(a_f32, m, k, per_token, w, static_cast<const float*>(bias), static_cast<float*>(out), &bad_index);
        break;
    }
  }

  // run(), returning how long it took in nanoseconds.
  uint64_t run_timed() {
    const auto t0 = std::chrono::steady_clock::now();
    run();
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count());
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
    const void* src = kind == MatmulKind::F32 ? static_cast<const void*>(a_f32) : a.data;
    a_copy.assign(static_cast<const uint8_t*>(src), static_cast<const uint8_t*>(src) + a_bytes);
    if (kind == MatmulKind::F32)
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
    if (kind == MatmulKind::REQUANT) rq.bias = static_cast<const int32_t*>(bias);
  }

  // Activations: data at argument 0, (dtype, zeroPoint, m, k) at params 0..3.
  void read_activations(const Args& args, const Params& p) {
    a.dtype = p.dtype(0, "a.dtype");
    za = static_cast<int32_t>(p.integer(1, "a.zeroPoint", -128, 255));
    m = p.size(2, "m");
    k = p.size(3, "k");
    a_bytes = checked_mul(args, m, k, "m x k");
    a.data = args.bytes(0, "a.data", a.dtype, a_bytes).data;
    a.m = m;
    a.k = k;
    a.row_stride = k;
    a.zero_point = &za;
    a.n_zero_points = 1;
  }

  // An optional bias of n elements of `kind` at index i.
  void read_bias(const Args& args, size_t i, napi_typedarray_type type, size_t n) {
    if (args.is_null(i)) return;
    bias = args.array(i, "bias", type, n).data;
    bias_bytes = n * 4;
  }
};

template <class W>
class MatmulWorker : public Napi::AsyncWorker {
 public:
  MatmulWorker(Napi::Env env, std::unique_ptr<MatmulCall<W>> call, napi_value out)
      : Napi::AsyncWorker(env, W::kResource), call_(std::move(call)), deferred_(Napi::Promise::Deferred::New(env)) {
    out_ref_ = Napi::Persistent(Napi::Value(env, out));
  }
  Napi::Promise promise() const { return deferred_.Promise(); }

  void Execute() override { call_->run(); }

  void OnOK() override {
    Napi::Env env = Env();
    if (call_->status != EI8_OK) {
      deferred_.Reject(call_->error(env).Value());
      return;
    }
    Napi::Value out = out_ref_.Value();
    void* data = nullptr;
    size_t bytes = 0;
    if (!typed_array_bytes(env, out, &data, &bytes) || bytes < call_->out_bytes) {
      deferred_.Reject(
          make_type_error(env, std::string(call_->fn) + ": out was detached before the result was ready", kDetached).Value());
      return;
    }
    std::memcpy(data, call_->out_copy.data(), call_->out_bytes);
    deferred_.Resolve(out);
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  std::unique_ptr<MatmulCall<W>> call_;
  Napi::Promise::Deferred deferred_;
  Napi::Reference<Napi::Value> out_ref_;
};

// Runs now (the call lives on the caller's stack), or moves it to a worker and returns its promise.
template <class W>
Napi::Value finish_matmul(const Args& args, MatmulCall<W>& call, const View& out, bool async) {
  call.out = out.data;
  AsyncPlacement& placement = AsyncPlacement::local();
  const size_t n = W::n(call.w);
  const size_t macs = n == 0 ? 0 : call.m * call.k > SIZE_MAX / n ? SIZE_MAX : call.m * call.k * n;
  if (!async) {
    // Untimed if the size rule alone runs the key's async calls inline (which measure themselves):
    // the clock costs 5 % of a 16x16x16 call.
    const bool timed = macs > AsyncPlacement::kUnmeasuredInlineMacs;
    uint64_t ns = 0;
    if (timed)
      ns = call.run_timed();
    else
      call.run();
    if (call.status != EI8_OK) throw call.error(args.env());
    if (timed) placement.record(call.placement_key(), ns);
    return Napi::Value(args.env(), out.value);
  }
  if (placement.run_inline(call.placement_key(), macs)) {
    // In the calling thread's serial mode, so that the JS thread never waits for a parallel region
    // that a large call on a worker holds.
    uint64_t ns;
    {
      struct Serial {
        Serial() { ei8_set_thread_serial(1); }
        ~Serial() { ei8_set_thread_serial(0); }
      } serial;
      ns = call.run_timed();
    }
    auto settled = Napi::Promise::Deferred::New(args.env());
    if (call.status != EI8_OK) {
      settled.Reject(call.error(args.env()).Value());
    } else {
      placement.record(call.placement_key(), ns);
      settled.Resolve(Napi::Value(args.env(), out.value));
    }
    return settled.Promise();
  }
  auto owned = std::make_unique<MatmulCall<W>>(std::move(call));
  owned->own_inputs();
  auto* worker = new MatmulWorker<W>(args.env(), std::move(owned), out.value);
  Napi::Promise p = worker->promise();
  worker->Queue();
  return p;
}

template <class W>
Napi::Value MatmulInt32(const Napi::CallbackInfo& info) {
  MatmulCall<W> call(MatmulKind::I32);
  Args args(info, call.fn);
  const Params p = args.params(3, 5);
  call.read_activations(args, p);
  call.w = W::take(args, 1, "b");
  call.out_bytes = checked_mul(args, call.m, W::n(call.w), "m x n") * 4;
  const View out = args.array(2, "out", napi_int32_array, call.out_bytes / 4);
  return finish_matmul(args, call, out, p.boolean(4, "async"));
}

template <class W>
Napi::Value MatmulRequant(const Napi::CallbackInfo& info) {
  MatmulCall<W> call(MatmulKind::REQUANT);
  Args args(info, call.fn);
  const Params p = args.params(4, 12);
  call.read_activations(args, p);
  call.rq.a_scale = static_cast<float>(p.number(4, "a.scale"));
  call.w = W::take(args, 1, "b");
  const size_t n = W::n(call.w);
  call.rq.out_scale = static_cast<float>(p.number(5, "output.scale"));
  call.rq.out_zero_point = static_cast<int32_t>(p.integer(6, "output.zeroPoint", -128, 255));
  call.rq.out_dtype = p.dtype(7, "output.dtype");
  call.rq.rounding = static_cast<ei8_rounding>(p.integer(8, "rounding", 0, 1));
  call.rq.clamp_min = static_cast<int32_t>(p.integer(9, "clamp[0]", -128, 255));
  call.rq.clamp_max = static_cast<int32_t>(p.integer(10, "clamp[1]", -128, 255));
  call.read_bias(args, 3, napi_int32_array, n);
  call.rq.bias = static_cast<const int32_t*>(call.bias);
  call.out_bytes = checked_mul(args, call.m, n, "m x n");
  const View out = args.bytes(2, "out", call.rq.out_dtype, call.out_bytes);
  return finish_matmul(args, call, out, p.boolean(11, "async"));
}

template <class W>
Napi::Value MatmulDequant(const Napi::CallbackInfo& info) {
  MatmulCall<W> call(MatmulKind::DEQUANT);
  Args args(info, call.fn);
  const Params p = args.params(4, 6);
  call.read_activations(args, p);
  call.a_scale = static_cast<float>(p.number(4, "a.scale"));
  call.w = W::take(args, 1, "b");
  const size_t n = W::n(call.w);
  call.read_bias(args, 3, napi_float32_array, n);
  call.out_bytes = checked_mul(args, call.m, n, "m x n") * 4;
  const View out = args.array(2, "out", napi_float32_array, call.out_bytes / 4);
  return finish_matmul(args, call, out, p.boolean(5, "async"));
}

template <class W>
Napi::Value MatmulF32(const Napi::CallbackInfo& info) {
  MatmulCall<W> call(MatmulKind::F32);
  Args args(info, call.fn);
  const Params p = args.params(4, 4);
  call.m = p.size(0, "m");
  call.k = p.size(1, "k");
  const size_t count = checked_mul(args, call.m, call.k, "m x k");
  call.a_f32 = args.array(0, "a", napi_float32_array, count).template as<const float>();
  call.a_bytes = count * 4;
  call.per_token = p.boolean(2, "perToken");
  call.w = W::take(args, 1, "b");
  const size_t n = W::n(call.w);
  call.read_bias(args, 3, napi_float32_array, n);
  call.out_bytes = checked_mul(args, call.m, n, "m x n") * 4;
  const View out = args.array(2, "out", napi_float32_array, call.out_bytes / 4);
  return finish_matmul(args, call, out, p.boolean(3, "async"));
}

}  // namespace ei8napi
