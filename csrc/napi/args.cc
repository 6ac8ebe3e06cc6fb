#include "napi/args.h"

#include <algorithm>
#include <cstdint>

namespace ei8napi {

static Napi::Error with_code(Napi::Error e, const char* code) {
  e.Set("code", Napi::String::New(e.Env(), code));
  return e;
}

Napi::Error make_type_error(Napi::Env env, const std::string& msg, const char* code) {
  return with_code(Napi::TypeError::New(env, msg), code);
}

Napi::Error make_range_error(Napi::Env env, const std::string& msg, const char* code) {
  return with_code(Napi::RangeError::New(env, msg), code);
}

Napi::Error status_error(Napi::Env env, const std::string& fn, ei8_status st, const std::string& detail) {
  const std::string msg = fn + ": " + (detail.empty() ? std::string(ei8_status_text(st)) : detail);
  switch (st) {
    case EI8_E_NONFINITE: return make_range_error(env, msg, kNonFinite);
    case EI8_E_OVERFLOW: return make_range_error(env, msg, kKTooLarge);
    case EI8_E_NOMEM: return with_code(Napi::Error::New(env, msg), kOutOfMemory);
    case EI8_E_ISA: return make_range_error(env, msg, kUnknownIsa);
    case EI8_E_ARG: return make_range_error(env, msg, kInvalidShape);
    default: return make_range_error(env, msg, kOutOfRange);
  }
}

void Args::throw_type(const std::string& msg, const char* code) const {
  throw make_type_error(env(), std::string(fn_) + ": " + msg, code);
}

void Args::throw_range(const std::string& msg, const char* code) const {
  throw make_range_error(env(), std::string(fn_) + ": " + msg, code);
}

#if defined(__GNUC__)
#define EI8_COLD __attribute__((noinline, cold))
#else
#define EI8_COLD
#endif

// The message is built out of line: a call reads several integers, and the strings inlined into
// each read gave it a large stack frame (5 % of a 16x16x16 matmulInt32).
[[noreturn]] EI8_COLD static void throw_not_integer(const Args& args, double v, const char* name, int64_t lo,
                                                    int64_t hi) {
  args.throw_range(std::string(name) + " (" + std::to_string(v) + ") must be an integer in [" + std::to_string(lo) +
                       ", " + std::to_string(hi) + "]",
                   kOutOfRange);
}

// v (finite) as an integer in [lo, hi], or the RangeError.
static int64_t integer_in(const Args& args, double v, const char* name, int64_t lo, int64_t hi) {
  if (v >= static_cast<double>(lo) && v <= static_cast<double>(hi) &&
      static_cast<double>(static_cast<int64_t>(v)) == v)
    return static_cast<int64_t>(v);
  throw_not_integer(args, v, name, lo, hi);
}

int64_t Args::integer(size_t i, const char* name, int64_t lo, int64_t hi) const {
  return integer_in(*this, number(i, name), name, lo, hi);
}

void Params::fail_integer(size_t i, const char* name, int64_t lo, int64_t hi) const {
  throw_not_integer(args_, number(i, name), name, lo, hi);
}

size_t Params::size(size_t i, const char* name, size_t lo) const {
  return static_cast<size_t>(integer(i, name, static_cast<int64_t>(lo), Args::max_size()));
}

void Params::fail_number(size_t i, const char* name) const {
  if (i >= n_) args_.throw_range(std::string("params has no ") + name, kInvalidLength);
  args_.throw_range(std::string(name) + " must be finite", kNonFinite);
}

double Args::number(size_t i, const char* name) const {
  double v = 0;
  if (napi_get_value_double(info_.Env(), info_[i], &v) != napi_ok) throw_type(std::string(name) + " must be a number");
  if (!std::isfinite(v)) throw_range(std::string(name) + " must be finite", kNonFinite);
  return v;
}

bool Args::boolean(size_t i, const char* name) const {
  bool v = false;
  if (napi_get_value_bool(info_.Env(), info_[i], &v) != napi_ok) throw_type(std::string(name) + " must be a boolean");
  return v;
}

std::string Args::string(size_t i, const char* name) const {
  if (!info_[i].IsString()) throw_type(std::string(name) + " must be a string");
  return info_[i].As<Napi::String>().Utf8Value();
}

View Args::array(size_t i, const char* name, napi_typedarray_type kind, size_t min_length) const {
  napi_env env = info_.Env();
  napi_value v = info_[i];
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  napi_value buffer;
  size_t offset;
  // napi_get_typedarray_info fails (napi_invalid_arg) for anything that is not a typed array.
  if (napi_get_typedarray_info(env, v, &type, &length, &data, &buffer, &offset) != napi_ok || type != kind)
    throw_type(std::string(name) + " must be " + typed_array_article(kind) + " " + typed_array_name(kind));
  if (length < min_length) {
    bool detached = false;
    napi_is_detached_arraybuffer(env, buffer, &detached);
    if (detached) throw_type(std::string(name) + " is detached", kDetached);
    throw_range(std::string(name) + ".length (" + std::to_string(length) + ") < " + std::to_string(min_length),
                kInvalidLength);
  }
  return View{data, length, v};
}

bool typed_array_bytes(napi_env env, napi_value v, void** data, size_t* bytes) {
  napi_typedarray_type type;
  size_t length = 0, offset = 0;
  napi_value buffer;
  bool detached = false;
  if (napi_get_typedarray_info(env, v, &type, &length, data, &buffer, &offset) != napi_ok) return false;
  if (napi_is_detached_arraybuffer(env, buffer, &detached) != napi_ok || detached) return false;
  size_t element = 1;
  if (type == napi_int32_array || type == napi_float32_array) element = 4;
  *bytes = length * element;
  return true;
}

// From the name, as validate.ts does: "an Int8Array", "a Uint8Array".
const char* typed_array_article(napi_typedarray_type t) { return typed_array_name(t)[0] == 'I' ? "an" : "a"; }

const char* typed_array_name(napi_typedarray_type t) {
  switch (t) {
    case napi_int8_array: return "Int8Array";
    case napi_uint8_array: return "Uint8Array";
    case napi_int32_array: return "Int32Array";
    case napi_float32_array: return "Float32Array";
    case napi_float64_array: return "Float64Array";
    default: return "typed array";
  }
}

size_t checked_mul(const Args& args, size_t a, size_t b, const char* what) {
  // 2^52 (exact in a JS number), or the address space on 32-bit targets.
  const size_t limit = static_cast<size_t>(std::min<uint64_t>(uint64_t(1) << 52, SIZE_MAX));
  if (a != 0 && b > limit / a)
    args.throw_range(std::string(what) + " (" + std::to_string(a) + " x " + std::to_string(b) +
                         ") is too large",
                     kInvalidShape);
  return a * b;
}

}  // namespace ei8napi
