#include "dispatch/registry.h"

#include <atomic>
#include <map>
#include <mutex>

#include "dispatch/cpu_features.h"
#include "kernels/paths.h"

namespace ei8 {

static std::vector<IsaEntry> build_list() {
  const CpuFeatures& f = cpu_features();
  std::vector<IsaEntry> list;
  list.push_back({"ref", nullptr});
  list.push_back({"scalar", &scalar::kPath});
  for (const BuiltPath& b : built_paths())
    if (b.supported(f)) list.push_back({b.path->isa, b.path});
  return list;
}

const std::vector<IsaEntry>& available_isas() {
  static const std::vector<IsaEntry> list = build_list();
  return list;
}

static std::atomic<size_t>& current_index() {
  static std::atomic<size_t> index{available_isas().size() - 1};
  return index;
}

const IsaEntry& current_isa() { return available_isas()[current_index().load()]; }

bool set_isa(const std::string& name) {
  const auto& list = available_isas();
  if (name == "auto") {
    current_index().store(list.size() - 1);
    return true;
  }
  for (size_t i = 0; i < list.size(); ++i) {
    if (name == list[i].name) {
      current_index().store(i);
      return true;
    }
  }
  return false;
}

static std::mutex& counts_mu() {
  static std::mutex mu;
  return mu;
}
static std::map<std::string, uint64_t>& counts() {
  static std::map<std::string, uint64_t> m;
  return m;
}

void count_call(const IsaEntry& e) {
  std::lock_guard<std::mutex> lock(counts_mu());
  ++counts()[e.name];
}

uint64_t calls_of(const std::string& name) {
  std::lock_guard<std::mutex> lock(counts_mu());
  auto it = counts().find(name);
  return it == counts().end() ? 0 : it->second;
}

}  // namespace ei8
