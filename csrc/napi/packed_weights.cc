#include "napi/packed_weights.h"

#include "napi/addon_data.h"
#include "napi/exports.h"

namespace ei8napi {

// Marks the JS objects that wrap an ei8_packed: checked before any unwrap, so that an object of
// another class (or another addon) can never be mistaken for packed weights.
static const napi_type_tag kPackedTag = {0x6564676569386e31ULL, 0x7061636b65643031ULL};

// The ei8_packed PackWeights is wrapping right now: the constructor accepts no other External, so
// script holding the class (obj.constructor) cannot wrap a pointer of its choosing.
static thread_local ei8_packed* pending = nullptr;

Napi::Function NativePacked::Init(Napi::Env env) {
  return DefineClass(env, "NativePacked",
                     {InstanceMethod("dispose", &NativePacked::Dispose),
                      InstanceMethod("bytes", &NativePacked::Bytes),
                      InstanceMethod("layout", &NativePacked::Layout)});
}

// Constructed only by PackWeights, which passes the ei8_packed* as an External.
NativePacked::NativePacked(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativePacked>(info) {
  if (info.Length() != 1 || !info[0].IsExternal() || pending == nullptr ||
      info[0].As<Napi::External<ei8_packed>>().Data() != pending)
    throw make_type_error(info.Env(), "NativePacked cannot be constructed directly");
  packed_ = pending;
  pending = nullptr;
  napi_type_tag_object(info.Env(), info.This(), &kPackedTag);
  reported_bytes_ = static_cast<int64_t>(ei8_packed_bytes(packed_));
  Napi::MemoryManagement::AdjustExternalMemory(info.Env(), reported_bytes_);
}

NativePacked::~NativePacked() {
  if (packed_) Napi::MemoryManagement::AdjustExternalMemory(Env(), -reported_bytes_);
  ei8_packed_release(packed_);
}

void NativePacked::Release(Napi::Env env) {
  if (!packed_) return;
  ei8_packed_release(packed_);
  packed_ = nullptr;
  Napi::MemoryManagement::AdjustExternalMemory(env, -reported_bytes_);
  reported_bytes_ = 0;
}

Napi::Value NativePacked::Dispose(const Napi::CallbackInfo& info) {
  Release(info.Env());
  return info.Env().Undefined();
}

Napi::Value NativePacked::Bytes(const Napi::CallbackInfo& info) {
  if (!packed_) throw make_type_error(info.Env(), "PackedWeights: used after dispose()", kDisposed);
  return Napi::Number::New(info.Env(), static_cast<double>(ei8_packed_bytes(packed_)));
}

Napi::Value NativePacked::Layout(const Napi::CallbackInfo& info) {
  if (!packed_) throw make_type_error(info.Env(), "PackedWeights: used after dispose()", kDisposed);
  return Napi::String::New(info.Env(), ei8_packed_layout_name(packed_));
}

ei8_packed* NativePacked::Take(const Args& args, size_t i, const char* name) {
  Napi::Value v = args.value(i);
  bool tagged = false;
  // IsObject first: napi_check_object_type_tag would convert (and throw on) null or undefined.
  if (!v.IsObject() || napi_check_object_type_tag(args.env(), v, &kPackedTag, &tagged) != napi_ok || !tagged)
    args.throw_type(std::string(name) + " must be PackedWeights from packWeights()");
  NativePacked* self = Unwrap(v.As<Napi::Object>());
  if (!self || !self->packed_) args.throw_type(std::string(name) + " was disposed", kDisposed);
  ei8_packed_retain(self->packed_);
  return self->packed_;
}

static Napi::Value PackWeights(const Napi::CallbackInfo& info) {
  Args args(info, "packWeights");
  const ei8_dtype dt = args.dtype(1, "dtype");
  const bool nk = args.boolean(2, "layoutNk");
  const size_t k = args.size(3, "k"), n = args.size(4, "n");
  const size_t group_size = args.size(7, "groupSize", 0);
  const size_t count = checked_mul(args, k, n, "k x n");
  const View data = args.bytes(0, "data", dt, count);
  const size_t groups = group_size ? (k + group_size - 1) / group_size : 1;
  const View zp = args.array(5, "zeroPoint", napi_int32_array, 1);
  const size_t n_params = zp.length;
  const bool params_ok = group_size ? n_params == groups * n : (n_params == 1 || n_params == n);
  if (!params_ok) args.throw_range("zeroPoint.length (" + std::to_string(n_params) + ") does not match the weights", kInvalidLength);
  const float* scale = nullptr;
  if (!args.is_null(6)) {
    const View s = args.array(6, "scale", napi_float32_array, n_params);
    if (s.length != n_params) args.throw_range("scale.length != zeroPoint.length", kInvalidLength);
    scale = s.as<float>();
  }
  ei8_packed* packed = nullptr;
  const ei8_status st = ei8_pack_weights(data.data, dt, nk ? EI8_LAYOUT_NK : EI8_LAYOUT_KN, k, n, zp.as<int32_t>(),
                                         scale, n_params, group_size, &packed);
  if (st != EI8_OK) throw status_error(info.Env(), "packWeights", st);
  Napi::External<ei8_packed> ext = Napi::External<ei8_packed>::New(info.Env(), packed);
  pending = packed;
  try {
    return AddonData::Get(info.Env()).packed_ctor.New({ext});
  } catch (...) {
    pending = nullptr;
    ei8_packed_release(packed);
    throw;
  }
}

EI8_NAPI_EXPORT("packWeights", PackWeights);

}  // namespace ei8napi
