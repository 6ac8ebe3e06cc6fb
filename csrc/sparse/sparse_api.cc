// The sparse C API (edge_int8.h, "sparse weights"): argument checks, then the sparse reference, the
// dense path (format DENSE) or the sparse driver with the kernels of the ISA in use.
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "core/dynamic_quant.h"
#include "core/requant_setup.h"
#include "dispatch/registry.h"
#include "kernels/scalar/scalar_kernels.h"
#include "ref/quantize_ref.h"
#include "ref/sparse_ref.h"
#include "sparse/sparse_gemm.h"

using namespace ei8;
using namespace ei8::sparse;

namespace {

std::atomic<const SparseKernels*>& forced() {
  static std::atomic<const SparseKernels*> k{nullptr};
  return k;
}

// The sparse kernels for the dense path in use: the same ISA when it has sparse kernels, the best
// sparse path when the dense path is the best one; a forced path without a sparse twin takes the
// best sparse path of the dense paths up to it (amx: avx512vnni; i8mm: dotprod; sse41: scalar),
// so that it never runs instructions above the one forced (registry.h, family_kernels). One table
// lookup a call, built once.
const SparseKernels* select(const IsaEntry& isa) {
  if (const SparseKernels* k = forced().load()) return k;
  static const std::vector<const SparseKernels*> by_isa = [] {
    const auto& paths = kernel_paths();
    std::vector<const char*> names;
    for (const SparseKernels* k : paths) names.push_back(k->isa);
    std::vector<const SparseKernels*> t;
    for (int j : family_kernels(names)) t.push_back(j < 0 ? nullptr : paths[static_cast<size_t>(j)]);
    return t;
  }();
  return by_isa[static_cast<size_t>(&isa - available_isas().data())];
}

// Calls per sparse path, for the tests' coverage gate: slot i for kernel_paths()[i], slot P (the
// number of paths) for the reference, slot P + 1 + i for path i's narrow table. Atomics rather than a
// map under a mutex: this runs on every call (the map cost 0.02-0.05 us of a 0.7-0.75 us native call
// on a 64 x 64 matrix).
constexpr char kNarrowSuffix[] = ":narrow";  // ei8_sparse_isa_calls("avx2:narrow")
std::atomic<uint64_t>* call_counts() {
  static std::unique_ptr<std::atomic<uint64_t>[]> c(new std::atomic<uint64_t>[2 * kernel_paths().size() + 1]());
  return c.get();
}
void count(const SparseKernels* k) {
  const auto& paths = kernel_paths();
  size_t slot = paths.size();  // null: the reference
  if (k) {
    size_t i = 0;
    while (i < paths.size() && paths[i] != k && paths[i]->narrow != k) ++i;
    if (i == paths.size()) return;  // a forced table not in the list (the tests' avx512vnni without VBMI)
    slot = paths[i] == k ? i : paths.size() + 1 + i;
  }
  call_counts()[slot].fetch_add(1, std::memory_order_relaxed);
}

int32_t max_abs_a(const ei8_activations* a) {
  int32_t qmin, qmax, worst = 0;
  ei8_dtype_range(a->dtype, 0, &qmin, &qmax);
  for (size_t i = 0; i < a->n_zero_points; ++i)
    worst = std::max(worst, std::max(a->zero_point[i] - qmin, qmax - a->zero_point[i]));
  return worst;
}

ei8_status check_activations(const ei8_activations* a, const ei8_sparse* b) {
  if (!a || !b || !a->data || !a->zero_point || (a->dtype != EI8_INT8 && a->dtype != EI8_UINT8)) return EI8_E_ARG;
  if (a->m == 0 || a->k != b->k || a->row_stride < a->k) return EI8_E_ARG;
  if (a->n_zero_points != 1 && a->n_zero_points != a->m) return EI8_E_ARG;
  if (a->m - 1 > (std::numeric_limits<size_t>::max() - a->k) / a->row_stride) return EI8_E_OVERFLOW;
  int32_t qmin, qmax;
  ei8_dtype_range(a->dtype, 0, &qmin, &qmax);
  if (ref::check_params(nullptr, a->zero_point, a->n_zero_points, qmin, qmax, nullptr) != EI8_OK) return EI8_E_RANGE;
  return b->k <= ei8_sparse_max_exact_k(a, b) ? EI8_OK : EI8_E_OVERFLOW;
}

// Runs `reference` under "ref", the dense path for the dense format, or the sparse driver.
template <class RefFn, class DenseFn>
ei8_status dispatch(const ei8_sparse* b, const Request& req, RefFn&& reference, DenseFn&& dense) {
  if (b->format == Format::DENSE) return dense(b->dense);
  const IsaEntry& isa = current_isa();
  const SparseKernels* kernels = kernels_for(select(isa), b->narrow);
  if (!kernels) {
    count(nullptr);
    reference();
    return EI8_OK;
  }
  count(kernels);
  const Epilogues& epilogues = isa.path ? isa.path->epilogues : scalar::kPath.epilogues;
  try {
    return run(*kernels, epilogues, req);
  } catch (const std::bad_alloc&) {
    return EI8_E_NOMEM;
  }
}

}  // namespace

namespace ei8 {
namespace sparse {
void force_kernels(const SparseKernels* k) { forced().store(k); }
const SparseKernels* kernels_in_use() { return select(current_isa()); }
}  // namespace sparse
}  // namespace ei8

size_t ei8_sparse_max_exact_k(const ei8_activations* a, const ei8_sparse* b) {
  if (!a || !b || !a->zero_point) return 0;
  const int64_t worst = static_cast<int64_t>(max_abs_a(a)) * b->max_abs_b;
  return worst == 0 ? std::numeric_limits<size_t>::max()
                    : static_cast<size_t>(std::numeric_limits<int32_t>::max() / worst);
}

ei8_status ei8_sparse_matmul_i32(const ei8_activations* a, const ei8_sparse* b, int32_t* out) {
  ei8_status st = check_activations(a, b);
  if (st != EI8_OK) return st;
  if (!out) return EI8_E_ARG;
  return dispatch(
      b, Request::i32(a, b, out), [&] { ref::sparse_matmul_i32(*a, *b, out); },
      [&](const ei8_packed* d) { return ei8_matmul_i32(a, d, out); });
}

ei8_status ei8_sparse_matmul_requant(const ei8_activations* a, const ei8_sparse* b, const ei8_requant* rq,
                                     void* out) {
  ei8_status st = check_activations(a, b);
  if (st != EI8_OK) return st;
  if (!out || b->scale.empty()) return EI8_E_ARG;
  st = check_requant(rq);
  if (st != EI8_OK) return st;
  if (b->format == Format::DENSE) return ei8_matmul_requant(a, b->dense, rq, out);

  RequantMultipliers mult;
  try {
    if (!compute_requant_multipliers(rq->a_scale, b->scale.data(), b->n, rq->out_scale, rq->rounding, &mult))
      return EI8_E_RANGE;
  } catch (const std::bad_alloc&) {
    return EI8_E_NOMEM;
  }
  return dispatch(
      b, Request::requant(a, b, rq, mult, out), [&] { ref::sparse_matmul_requant(*a, *b, *rq, out); },
      [&](const ei8_packed* d) { return ei8_matmul_requant(a, d, rq, out); });
}

ei8_status ei8_sparse_matmul_dequant(const ei8_activations* a, const float* a_scale, size_t n_a_scales,
                                     const ei8_sparse* b, const float* bias, float* out) {
  ei8_status st = check_activations(a, b);
  if (st != EI8_OK) return st;
  if (!out || b->scale.empty()) return EI8_E_ARG;
  st = check_dequant_scales(a, a_scale, n_a_scales);
  if (st != EI8_OK) return st;
  return dispatch(
      b, Request::dequant(a, b, a_scale, n_a_scales, bias, out),
      [&] { ref::sparse_matmul_dequant(*a, a_scale, n_a_scales, *b, bias, out); },
      [&](const ei8_packed* d) { return ei8_matmul_dequant(a, a_scale, n_a_scales, d, bias, out); });
}

ei8_status ei8_sparse_matmul_f32(const float* a, size_t m, size_t k, int per_token, const ei8_sparse* b,
                                 const float* bias, float* out, size_t* bad_index) {
  if (!a || !b || !out || m == 0 || k != b->k) return EI8_E_ARG;
  if (b->format == Format::DENSE) return ei8_matmul_f32(a, m, k, per_token, b->dense, bias, out, bad_index);
  if (m > std::numeric_limits<size_t>::max() / k) return EI8_E_OVERFLOW;
  try {
    // A per row (per token) or per tensor, uint8 affine: as ei8_matmul_f32.
    DynamicQuantActivations qa;
    const ei8_status st = quantize_activations_u8(a, m, k, per_token != 0, &qa, bad_index);
    if (st != EI8_OK) return st;
    return ei8_sparse_matmul_dequant(&qa.view, qa.scale, qa.n_scales, b, bias, out);
  } catch (const std::bad_alloc&) {
    return EI8_E_NOMEM;
  }
}

const char* ei8_sparse_isa_current(void) {
  const SparseKernels* k = select(current_isa());
  return k ? k->isa : "ref";
}

const char* ei8_sparse_sell_kernel(void) {
  const SparseKernels* k = select(current_isa());
  if (!k) return "ref";
  switch (k->sell_gather) {
    case SellGather::kPermute: return "permute";
    case SellGather::kLookupsYmm:
    case SellGather::kLookupsZmm: return "lookups";
    default: return "portable";
  }
}

uint64_t ei8_sparse_isa_calls(const char* name) {
  if (!name) return 0;
  const auto& paths = kernel_paths();
  const size_t len = std::strlen(name), suffix = std::strlen(kNarrowSuffix);
  const bool narrow = len > suffix && std::strcmp(name + len - suffix, kNarrowSuffix) == 0;
  const std::string isa(name, narrow ? len - suffix : len);
  auto calls = [&](size_t slot) { return call_counts()[slot].load(std::memory_order_relaxed); };
  for (size_t i = 0; i < paths.size(); ++i)
    if (isa == paths[i]->isa) return narrow ? calls(paths.size() + 1 + i) : calls(i) + calls(paths.size() + 1 + i);
  return !narrow && isa == "ref" ? calls(paths.size()) : 0;
}
