// Per-environment data (one per Node main thread, worker thread or other runtime instance).
#pragma once

#include <napi.h>

namespace ei8napi {

struct AddonData {
  Napi::FunctionReference packed_ctor;
  static AddonData& Get(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }
};

}  // namespace ei8napi
