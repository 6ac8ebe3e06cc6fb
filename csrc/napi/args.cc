#include "napi/args.h"

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
  throw make_type_error(env(), fn_ + ": " + msg, code);
}

void Args::throw_range(const std::string& msg, const char* code) const {
  throw make_range_error(env(), fn_ + ": " + msg, code);
}

int64_t Args::integer(size_t i, const char* name, int64_t lo, int64_t hi) const {
  const double v = number(i, name);
  if (v != std::floor(v) || v < static_cast<double>(lo) || v > static_cast<double>(hi))
    throw_range(std::string(name) + " (" + std::to_string(v) + ") must be an integer in [" +
                    std::to_string(lo) + ", " + std::to_string(hi) + "]",
                kOutOfRange);
  return static_cast<int64_t>(v);
}

double Args::number(size_t i, const char* name) const {
  if (!info_[i].IsNumber()) throw_type(std::string(name) + " must be a number");
  const double v = info_[i].As<Napi::Number>().DoubleValue();
  if (!std::isfinite(v)) throw_range(std::string(name) + " must be finite", kNonFinite);
  return v;
}

bool Args::boolean(size_t i, const char* name) const {
  if (!info_[i].IsBoolean()) throw_type(std::string(name) + " must be a boolean");
  return info_[i].As<Napi::Boolean>().Value();
}

std::string Args::string(size_t i, const char* name) const {
  if (!info_[i].IsString()) throw_type(std::string(name) + " must be a string");
  return info_[i].As<Napi::String>().Utf8Value();
}

Napi::TypedArray Args::bytes(size_t i, const char* name, ei8_dtype dt, size_t min_length) const {
  if (dt == EI8_INT8) return array<int8_t>(i, name, napi_int8_array, min_length);
  return array<uint8_t>(i, name, napi_uint8_array, min_length);
}

const char* typed_array_name(napi_typedarray_type t) {
  switch (t) {
    case napi_int8_array: return "Int8Array";
    case napi_uint8_array: return "Uint8Array";
    case napi_int32_array: return "Int32Array";
    case napi_float32_array: return "Float32Array";
    default: return "typed array";
  }
}

size_t checked_mul(const Args& args, size_t a, size_t b, const char* what) {
  const size_t limit = size_t(1) << 52;
  if (a != 0 && b > limit / a)
    args.throw_range(std::string(what) + " (" + std::to_string(a) + " x " + std::to_string(b) +
                         ") is too large",
                     kInvalidShape);
  return a * b;
}

}  // namespace ei8napi
