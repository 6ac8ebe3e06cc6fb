// Module entry: the runtime-control functions, then every function registered with EI8_NAPI_EXPORT.
#include <napi.h>

#include "edge_int8.h"
#include "napi/addon_data.h"
#include "napi/args.h"
#include "napi/exports.h"

namespace ei8napi {

static Napi::Value CpuInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("arch", ei8_cpu_arch());
  o.Set("features", ei8_cpu_features());
  o.Set("isa", ei8_isa_current());
  Napi::Array available = Napi::Array::New(env, ei8_isa_count());
  for (size_t i = 0; i < ei8_isa_count(); ++i) available.Set(static_cast<uint32_t>(i), ei8_isa_name(i));
  o.Set("available", available);
  Napi::Array built = Napi::Array::New(env, ei8_built_count());
  for (size_t i = 0; i < ei8_built_count(); ++i) built.Set(static_cast<uint32_t>(i), ei8_built_name(i));
  o.Set("built", built);
  return o;
}
EI8_NAPI_EXPORT("cpuInfo", CpuInfo);

static Napi::Value SetIsa(const Napi::CallbackInfo& info) {
  Args args(info, "setIsa");
  const std::string name = args.string(0, "isa");
  if (ei8_set_isa(name.c_str()) != EI8_OK)
    args.throw_range("isa '" + name + "' is not available on this CPU", kUnknownIsa);
  return info.Env().Undefined();
}
EI8_NAPI_EXPORT("setIsa", SetIsa);

static Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  Args args(info, "setThreads");
  ei8_set_threads(static_cast<size_t>(args.integer(0, "n", 1, 1024)));
  return info.Env().Undefined();
}
EI8_NAPI_EXPORT("setThreads", SetThreads);

static Napi::Value GetThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(ei8_get_threads()));
}
EI8_NAPI_EXPORT("getThreads", GetThreads);

static Napi::Value IsaCalls(const Napi::CallbackInfo& info) {
  Args args(info, "isaCalls");
  return Napi::Number::New(info.Env(), static_cast<double>(ei8_isa_calls(args.string(0, "isa").c_str())));
}
EI8_NAPI_EXPORT("isaCalls", IsaCalls);

// probeDotPeak(isa, threads) -> MACs per second; probeReadBandwidth(bytes, threads) -> bytes per second
static Napi::Value ProbeDotPeak(const Napi::CallbackInfo& info) {
  Args args(info, "probeDotPeak");
  const std::string isa = args.string(0, "isa");
  const size_t threads = static_cast<size_t>(args.integer(1, "threads", 1, 1024));
  return Napi::Number::New(info.Env(), ei8_probe_dot_peak(isa.c_str(), threads));
}
EI8_NAPI_EXPORT("probeDotPeak", ProbeDotPeak);

static Napi::Value ProbeReadBandwidth(const Napi::CallbackInfo& info) {
  Args args(info, "probeReadBandwidth");
  const size_t bytes = static_cast<size_t>(args.integer(0, "bytes", 4096, int64_t(1) << 36));
  const size_t threads = static_cast<size_t>(args.integer(1, "threads", 1, 1024));
  return Napi::Number::New(info.Env(), ei8_probe_read_bandwidth(bytes, threads));
}
EI8_NAPI_EXPORT("probeReadBandwidth", ProbeReadBandwidth);

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  env.SetInstanceData(data);
  for (const ExportEntry& e : export_registry()) exports.Set(e.name, Napi::Function::New(env, e.fn, e.name));
  return exports;
}

}  // namespace ei8napi

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return ei8napi::Init(env, exports); }

NODE_API_MODULE(edge_int8, InitModule)
