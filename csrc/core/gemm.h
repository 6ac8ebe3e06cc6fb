// The tiled driver: packs A, splits the output into tiles across threads, runs a path's
// micro-kernel per tile and applies the corrections and the epilogue while the tile is in L1.
#pragma once

#include <atomic>
#include <cstddef>

#include "core/kernel_table.h"
#include "edge_int8.h"
#include "pack/weights.h"

namespace ei8 {

enum class OutKind { I32, REQUANT, DEQUANT };

struct GemmRequest {
  const ei8_activations* a;
  const ei8_packed* w;
  const PackedData* pd;  // tiled layout for the path's (nr, kr)
  OutKind kind;
  void* out;  // int32_t*, int8/uint8 (REQUANT) or float* (DEQUANT), M x N row-major
  // REQUANT
  const ei8_requant* rq = nullptr;
  const float* mult_float = nullptr;        // N, 'float' rounding
  const int32_t* mult_fixed = nullptr;      // N, 'fixedpoint'
  const int32_t* shift_fixed = nullptr;     // N
  // DEQUANT
  const float* a_scale = nullptr;
  size_t n_a_scales = 1;
  const float* bias_f32 = nullptr;
};

ei8_status run_tiled(const KernelPath& path, const GemmRequest& req);

// Size threshold of the driver's k-chunked schedule (core/gemm.cc), and how often it ran: the
// differential tests lower the threshold so that the schedule runs on small shapes, and check it did.
struct GemmScheduleHooks {
  size_t min_chunked_weights;  // bytes of packed weights
  std::atomic<size_t> k_chunked_runs{0};
};
GemmScheduleHooks& gemm_schedule_hooks();

}  // namespace ei8
