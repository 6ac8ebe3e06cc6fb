#pragma once

#include <napi.h>

namespace ei8napi {

Napi::Value MatmulInt32(const Napi::CallbackInfo& info);
Napi::Value MatmulRequant(const Napi::CallbackInfo& info);
Napi::Value MatmulDequant(const Napi::CallbackInfo& info);
Napi::Value MatmulF32(const Napi::CallbackInfo& info);

}  // namespace ei8napi
