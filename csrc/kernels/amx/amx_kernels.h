// AMX-INT8 path: TDPBUSD on tiles (u8 x s8 -> s32, a 16 x 64 by 64 x 16 product per instruction).
// Layout n64c4, the AVX-512 VNNI path's: a 64-column panel's k-quad q holds 16 columns' 4 bytes in
// each of its four 64-byte quarters, so B tiles load straight from the panel (row stride 256).
// Declarations only: the definitions live in files compiled with -mamx-* flags.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/kernel_table.h"

namespace ei8 {
namespace amx {

// Ukernel::enter / leave: the tile configuration of this kernel on the calling thread, and its
// release (tile state is per thread, and another library on the thread may configure its own).
void gemm_16x64c4_enter();
void gemm_16x64c4_leave();
void gemm_16x64c4(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d);

uint64_t dot_peak(uint64_t iterations);

// The kernel against a scalar loop on a few fixed problems, run once on the machine before the path
// is offered (this path could not be run on AMX hardware before release: see the README).
bool self_check();

extern const KernelPath kPath;

}  // namespace amx
}  // namespace ei8
