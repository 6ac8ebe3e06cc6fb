// The kernel paths built into this binary that this CPU can run, and which one is in use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/kernel_table.h"

namespace ei8 {

// One usable path. path == nullptr is the reference ("ref").
struct IsaEntry {
  const char* name;
  const KernelPath* path;
};

// Usable paths, reference first, best last. Filled once.
const std::vector<IsaEntry>& available_isas();

// The path in use (the best one unless set_isa forced another).
const IsaEntry& current_isa();
// "auto" or a name from available_isas(); false if unknown or unusable here.
bool set_isa(const std::string& name);

// Which member of a family of kernel paths (the sparse and codebook kernels, named like the dense
// paths, listed worst to best) may run with each usable path: entry i for available_isas()[i] is
// the index into `names` of the last kernel whose dense path of the same name is usable here and
// ranks at or below path i, so that a forced path never runs instructions above its own; the best
// path takes the family's best (the last name). -1: none (the reference, or no kernel that low).
std::vector<int> family_kernels(const std::vector<const char*>& names);

// Tests only: appends `path` to the usable paths (as the best one); must run before the list is
// first read. For a kernel proven on a software model of an instruction set this CPU lacks (the AMX
// kernel on kernels/amx/amx_soft.h, in test/cpp/differential_test.cc).
void add_test_path(const KernelPath* path);

// Calls made through each path, for tests that prove a path ran. `e` must come from available_isas().
void count_call(const IsaEntry& e);
uint64_t calls_of(const std::string& name);

}  // namespace ei8
