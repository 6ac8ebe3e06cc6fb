// Native functions register themselves here (one line beside their definition), so that adding a
// module never means editing a central list. addon.cc exports everything registered.
#pragma once

#include <napi.h>

#include <vector>

namespace ei8napi {

using ExportFn = Napi::Value (*)(const Napi::CallbackInfo&);

struct ExportEntry {
  const char* name;
  ExportFn fn;
};

inline std::vector<ExportEntry>& export_registry() {
  static std::vector<ExportEntry> entries;
  return entries;
}

struct RegisterExport {
  RegisterExport(const char* name, ExportFn fn) { export_registry().push_back({name, fn}); }
};

}  // namespace ei8napi

// EI8_NAPI_EXPORT("matmulInt32", MatmulInt32<DenseWeights>);  (one per line: the line names it)
#define EI8_NAPI_CONCAT_(a, b) a##b
#define EI8_NAPI_CONCAT(a, b) EI8_NAPI_CONCAT_(a, b)
#define EI8_NAPI_EXPORT(js_name, ...) \
  static ::ei8napi::RegisterExport EI8_NAPI_CONCAT(ei8_export_, __LINE__)(js_name, __VA_ARGS__)
