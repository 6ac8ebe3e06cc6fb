// PackedWeights as a JS object (native_weights.h): owns one reference to the core's ei8_packed.
#pragma once

#include <napi.h>

#include "edge_int8.h"
#include "napi/native_weights.h"

namespace ei8napi {

struct PackedKind {
  using Type = ei8_packed;
  static constexpr WeightsKind kKind = WeightsKind::PACKED;
  static constexpr const char* kClass = "NativePacked";
  static constexpr const char* kName = "PackedWeights";
  static constexpr const char* kFrom = "packWeights()";
  static void retain(Type* w) { ei8_packed_retain(w); }
  static void release(Type* w) { ei8_packed_release(w); }
  static size_t bytes(const Type* w) { return ei8_packed_bytes(w); }
  static constexpr const char* kDescribe = "layout";
  static Napi::Value describe(Napi::Env env, Type* w) { return Napi::String::New(env, ei8_packed_layout_name(w)); }
};

using NativePacked = NativeWeights<PackedKind>;

}  // namespace ei8napi
