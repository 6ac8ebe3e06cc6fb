// PackedWeights as a JS object: owns one reference to the core's ei8_packed.
#pragma once

#include <napi.h>

#include "edge_int8.h"
#include "napi/args.h"

namespace ei8napi {

class NativePacked : public Napi::ObjectWrap<NativePacked> {
 public:
  static Napi::Function Init(Napi::Env env);
  // The packed weights behind argument i, with one more reference the caller must release;
  // throws if i is not a NativePacked or was disposed.
  static ei8_packed* Take(const Args& args, size_t i, const char* name);

  explicit NativePacked(const Napi::CallbackInfo& info);
  ~NativePacked() override;

 private:
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value Bytes(const Napi::CallbackInfo& info);
  Napi::Value Layout(const Napi::CallbackInfo& info);
  void Release(Napi::Env env);

  ei8_packed* packed_ = nullptr;
  int64_t reported_bytes_ = 0;
};

}  // namespace ei8napi
