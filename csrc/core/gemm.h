// The tiled driver: packs A, splits the output into tiles across threads, runs a path's
// micro-kernel per tile and applies the corrections and the epilogue while the tile is in L1.
#pragma once

#include <atomic>
#include <cstddef>

#include "core/kernel_table.h"
#include "core/matmul_request.h"
#include "edge_int8.h"
#include "pack/weights.h"

namespace ei8 {

using GemmRequest = MatmulRequest<ei8_packed>;

// pd: the packed weights in the tiled layout of the path's (nr, kr).
ei8_status run_tiled(const KernelPath& path, const GemmRequest& req, const PackedData& pd);

// Size threshold of the driver's k-chunked schedule (core/gemm.cc), and how often it ran: the
// differential tests lower the threshold so that the schedule runs on small shapes, and check it did.
struct GemmScheduleHooks {
  size_t min_chunked_weights;  // bytes of packed weights
  std::atomic<size_t> k_chunked_runs{0};
};
GemmScheduleHooks& gemm_schedule_hooks();

}  // namespace ei8
