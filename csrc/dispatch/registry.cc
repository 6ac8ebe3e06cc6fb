#include "dispatch/registry.h"

#include <atomic>
#include <cstring>

#include "dispatch/cpu_features.h"
#include "kernels/paths.h"

namespace ei8 {

static std::vector<const KernelPath*>& test_paths() {
  static std::vector<const KernelPath*> paths;
  return paths;
}

void add_test_path(const KernelPath* path) { test_paths().push_back(path); }

static std::vector<IsaEntry> build_list() {
  const CpuFeatures& f = cpu_features();
  std::vector<IsaEntry> list;
  list.push_back({"ref", nullptr});
  list.push_back({"scalar", &scalar::kPath});
  for (const BuiltPath& b : built_paths())
    if (b.supported(f)) list.push_back({b.path->isa, b.path});
  for (const KernelPath* p : test_paths()) list.push_back({p->isa, p});
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

std::vector<int> family_kernels(const std::vector<const char*>& names) {
  const auto& isas = available_isas();
  std::vector<int> by_isa(isas.size(), -1);
  for (size_t i = 0; i < isas.size(); ++i) {
    if (!isas[i].path) continue;
    if (i + 1 == isas.size()) {
      by_isa[i] = static_cast<int>(names.size()) - 1;
      continue;
    }
    for (size_t j = 0; j < names.size(); ++j)
      for (size_t r = 0; r <= i; ++r)
        if (std::strcmp(isas[r].name, names[j]) == 0) by_isa[i] = static_cast<int>(j);
  }
  return by_isa;
}

// One counter per usable path (indexed like available_isas()), bumped on every call.
static std::vector<std::atomic<uint64_t>>& counters() {
  static std::vector<std::atomic<uint64_t>> c(available_isas().size());
  return c;
}

void count_call(const IsaEntry& e) {
  const size_t i = static_cast<size_t>(&e - available_isas().data());
  counters()[i].fetch_add(1, std::memory_order_relaxed);
}

uint64_t calls_of(const std::string& name) {
  const auto& list = available_isas();
  for (size_t i = 0; i < list.size(); ++i)
    if (name == list[i].name) return counters()[i].load(std::memory_order_relaxed);
  return 0;
}

}  // namespace ei8
