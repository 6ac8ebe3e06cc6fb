#pragma once

#include <napi.h>

namespace ei8napi {

Napi::Value ChooseQParams(const Napi::CallbackInfo& info);
Napi::Value Quantize(const Napi::CallbackInfo& info);
Napi::Value Dequantize(const Napi::CallbackInfo& info);

}  // namespace ei8napi
