// Checked access to the arguments of a native call. The TypeScript layer validates first and
// writes the friendly messages; this layer re-checks cheaply and never trusts a cast: every
// typed array is checked for its exact kind and length before its memory is touched.
// Each check costs one or two Node-API calls (the per-call overhead matters for small shapes).
#pragma once

#include <napi.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "edge_int8.h"

namespace ei8napi {

// Stable codes shared with ts/errors.ts.
constexpr const char* kInvalidType = "ERR_EDGE_INT8_INVALID_TYPE";
constexpr const char* kInvalidShape = "ERR_EDGE_INT8_INVALID_SHAPE";
constexpr const char* kInvalidLength = "ERR_EDGE_INT8_INVALID_LENGTH";
constexpr const char* kOutOfRange = "ERR_EDGE_INT8_OUT_OF_RANGE";
constexpr const char* kNonFinite = "ERR_EDGE_INT8_NON_FINITE";
constexpr const char* kKTooLarge = "ERR_EDGE_INT8_K_TOO_LARGE";
constexpr const char* kDisposed = "ERR_EDGE_INT8_DISPOSED";
constexpr const char* kDetached = "ERR_EDGE_INT8_DETACHED";
constexpr const char* kUnknownIsa = "ERR_EDGE_INT8_UNKNOWN_ISA";
constexpr const char* kOutOfMemory = "ERR_EDGE_INT8_OUT_OF_MEMORY";

Napi::Error make_type_error(Napi::Env env, const std::string& msg, const char* code = kInvalidType);
Napi::Error make_range_error(Napi::Env env, const std::string& msg, const char* code);
// The error for a failed core status, as the JS exception to throw or to reject with.
Napi::Error status_error(Napi::Env env, const std::string& fn, ei8_status st, const std::string& detail = "");

// A typed array argument after its checks: its element data and count.
struct View {
  void* data = nullptr;
  size_t length = 0;
  napi_value value = nullptr;
  template <class T>
  T* as() const { return static_cast<T*>(data); }
};

class Args;

// The numbers of a call packed in one Float64Array (one Node-API call instead of one per number,
// and few enough arguments that the call needs no heap allocation); each checked as it is read.
class Params {
 public:
  Params(const Args& args, const double* values, size_t count) : args_(args), v_(values), n_(count) {}
  // Inline, the failures out of line: a call reads up to a dozen numbers, and out-of-line reads took
  // 5 % of a 16x16x16 matmul.
  int64_t integer(size_t i, const char* name, int64_t lo, int64_t hi) const {
    const double v = i < n_ ? v_[i] : std::nan("");
    // NaN and infinities fail the range test.
    if (v >= static_cast<double>(lo) && v <= static_cast<double>(hi) && static_cast<double>(static_cast<int64_t>(v)) == v)
      return static_cast<int64_t>(v);
    fail_integer(i, name, lo, hi);
  }
  size_t size(size_t i, const char* name, size_t lo = 1) const;
  double number(size_t i, const char* name) const {
    if (i < n_ && std::isfinite(v_[i])) return v_[i];
    fail_number(i, name);
  }
  bool boolean(size_t i, const char* name) const { return integer(i, name, 0, 1) != 0; }
  ei8_dtype dtype(size_t i, const char* name) const {
    return static_cast<ei8_dtype>(integer(i, name, EI8_INT8, EI8_UINT8));
  }

 private:
  // The RangeError of a number that is missing or not finite, or not an integer in [lo, hi].
  [[noreturn]] void fail_number(size_t i, const char* name) const;
  [[noreturn]] void fail_integer(size_t i, const char* name, int64_t lo, int64_t hi) const;

  const Args& args_;
  const double* v_;
  size_t n_;
};

class Args {
 public:
  Args(const Napi::CallbackInfo& info, const char* fn) : info_(info), fn_(fn) {}
  Napi::Env env() const { return info_.Env(); }
  const char* fn() const { return fn_; }

  // An integer in [lo, hi].
  int64_t integer(size_t i, const char* name, int64_t lo, int64_t hi) const;
  // A count: at least lo, and at most what both a double and this platform's size_t hold exactly.
  size_t size(size_t i, const char* name, size_t lo = 1) const {
    return static_cast<size_t>(integer(i, name, static_cast<int64_t>(lo), max_size()));
  }
  static int64_t max_size() { return sizeof(size_t) >= 8 ? (int64_t(1) << 52) : static_cast<int64_t>(SIZE_MAX); }
  double number(size_t i, const char* name) const;
  bool boolean(size_t i, const char* name) const;
  std::string string(size_t i, const char* name) const;
  ei8_dtype dtype(size_t i, const char* name) const {
    return static_cast<ei8_dtype>(integer(i, name, EI8_INT8, EI8_UINT8));
  }
  Napi::Value value(size_t i) const { return info_[i]; }
  bool is_null(size_t i) const { return info_[i].IsNull() || info_[i].IsUndefined(); }

  // A typed array of exactly this kind, not detached, with at least min_length elements.
  View array(size_t i, const char* name, napi_typedarray_type kind, size_t min_length) const;
  // Int8Array for int8, Uint8Array for uint8.
  View bytes(size_t i, const char* name, ei8_dtype dt, size_t min_length) const {
    return array(i, name, dt == EI8_INT8 ? napi_int8_array : napi_uint8_array, min_length);
  }

  // A Float64Array of at least `count` numbers at index i.
  Params params(size_t i, size_t count) const {
    return Params(*this, array(i, "params", napi_float64_array, count).as<const double>(), count);
  }

  [[noreturn]] void throw_type(const std::string& msg, const char* code = kInvalidType) const;
  [[noreturn]] void throw_range(const std::string& msg, const char* code) const;

 private:
  const Napi::CallbackInfo& info_;
  const char* fn_;
};

const char* typed_array_name(napi_typedarray_type t);
const char* typed_array_article(napi_typedarray_type t);  // "a" or "an", for messages

// a * b, or a RangeError if it overflows what a typed array can hold.
size_t checked_mul(const Args& args, size_t a, size_t b, const char* what);

// Reads a typed array now (after async work): data and byte length, or false if detached.
bool typed_array_bytes(napi_env env, napi_value v, void** data, size_t* bytes);

}  // namespace ei8napi
