// Per-environment data (one per Node main thread, worker thread or other runtime instance).
#pragma once

#include <napi.h>

#include <memory>

#include "napi/weights_table.h"

namespace ei8napi {

struct AddonData {
  // Shared with every weights object, whose finalizer may run after this data is freed.
  std::shared_ptr<WeightsTable> weights = std::make_shared<WeightsTable>();
  // The weights classes (native_weights.h), by WeightsKind, defined on first use.
  Napi::FunctionReference weights_ctors[kWeightsKinds];
  static AddonData& Get(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }
};

}  // namespace ei8napi
