// The C API (edge_int8.h): argument checks, then the reference or the tiled path of the ISA in use.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <new>
#include <vector>

#include "core/dynamic_quant.h"
#include "core/gemm.h"
#include "core/requant_setup.h"
#include "core/threadpool.h"
#include "dispatch/cpu_features.h"
#include "dispatch/registry.h"
#include "kernels/paths.h"
#include "edge_int8.h"
#include "ref/matmul_ref.h"
#include "ref/quantize_ref.h"

// The functions below keep the C linkage of their declarations in edge_int8.h.
using namespace ei8;

const char* ei8_status_text(ei8_status s) {
  switch (s) {
    case EI8_OK: return "ok";
    case EI8_E_ARG: return "invalid argument";
    case EI8_E_RANGE: return "value out of range";
    case EI8_E_NONFINITE: return "non-finite value";
    case EI8_E_OVERFLOW: return "size beyond the exact int32 bound";
    case EI8_E_NOMEM: return "out of memory";
    case EI8_E_ISA: return "instruction set not available";
  }
  return "unknown status";
}

void ei8_dtype_range(ei8_dtype dt, int narrow, int32_t* qmin, int32_t* qmax) {
  if (dt == EI8_UINT8) {
    *qmin = 0;
    *qmax = 255;
  } else {
    *qmin = narrow ? -127 : -128;
    *qmax = 127;
  }
}

static bool valid_dtype(ei8_dtype dt) { return dt == EI8_INT8 || dt == EI8_UINT8; }

static bool valid_view(const ei8_qview* v) {
  return v != nullptr && ref::param_count(*v) > 0 &&
         v->outer <= std::numeric_limits<size_t>::max() / v->axis_len / v->inner;
}

size_t ei8_qview_param_count(const ei8_qview* v) { return valid_view(v) ? ref::param_count(*v) : 0; }

ei8_status ei8_choose_qparams(const float* x, const ei8_qview* v, ei8_dtype dt, int symmetric,
                              int narrow, float* scale, int32_t* zero_point, size_t* bad_index) {
  if (!x || !valid_view(v) || !valid_dtype(dt) || !scale || !zero_point) return EI8_E_ARG;
  const IsaEntry& isa = current_isa();
  if (isa.path) return choose_qparams_on(*isa.path, x, *v, dt, symmetric, narrow, scale, zero_point, bad_index);
  return ref::choose_qparams(x, *v, dt, symmetric, narrow, scale, zero_point, bad_index);
}

ei8_status ei8_quantize(const float* x, const ei8_qview* v, const float* scale,
                        const int32_t* zero_point, ei8_dtype dt, int32_t qmin, int32_t qmax,
                        void* out, size_t* bad_index) {
  if (!x || !valid_view(v) || !valid_dtype(dt) || !scale || !zero_point || !out) return EI8_E_ARG;
  const IsaEntry& isa = current_isa();
  if (isa.path) return quantize_on(*isa.path, x, *v, scale, zero_point, dt, qmin, qmax, out, bad_index);
  return ref::quantize(x, *v, scale, zero_point, dt, qmin, qmax, out, bad_index);
}

ei8_status ei8_dequantize(const void* q, ei8_dtype dt, const ei8_qview* v, const float* scale,
                          const int32_t* zero_point, float* out) {
  if (!q || !valid_view(v) || !valid_dtype(dt) || !scale || !zero_point || !out) return EI8_E_ARG;
  if (current_isa().path) return dequantize_runs(q, dt, *v, scale, zero_point, out);
  return ref::dequantize(q, dt, *v, scale, zero_point, out);
}

// ------------------------------------------------------------------------------ weights ----

static LayoutKey layout_for(const IsaEntry& e) {
  return e.path ? LayoutKey{e.path->gemm.nr, e.path->gemm.kr} : LayoutKey{};
}

ei8_status ei8_pack_weights(const void* data, ei8_dtype dt, ei8_layout layout, size_t k, size_t n,
                            const int32_t* zero_point, const float* scale, size_t n_params,
                            size_t group_size, ei8_packed** out) {
  if (!out) return EI8_E_ARG;
  *out = nullptr;
  if (!data || !valid_dtype(dt) || k == 0 || n == 0 || !zero_point) return EI8_E_ARG;
  if (layout != EI8_LAYOUT_KN && layout != EI8_LAYOUT_NK) return EI8_E_ARG;
  if (k > std::numeric_limits<size_t>::max() / n) return EI8_E_OVERFLOW;
  const size_t groups = group_size ? (k + group_size - 1) / group_size : 1;
  const bool params_ok = group_size ? n_params == groups * n : (n_params == 1 || n_params == n);
  if (!params_ok) return EI8_E_ARG;
  int32_t qmin, qmax;
  ei8_dtype_range(dt, 0, &qmin, &qmax);
  if (ref::check_params(scale, zero_point, n_params, qmin, qmax, nullptr) != EI8_OK) return EI8_E_RANGE;

  ei8_packed* w = new (std::nothrow) ei8_packed();
  if (!w) return EI8_E_NOMEM;
  w->k = k;
  w->n = n;
  w->group_size = group_size;
  w->groups = groups;
  w->dtype = dt;
  try {
    w->zero_point.resize(groups * n);
    if (scale) w->scale.resize(groups * n);
    for (size_t i = 0; i < groups * n; ++i) {
      const size_t src = n_params == 1 ? 0 : (group_size ? i : i % n);
      w->zero_point[i] = zero_point[src];
      if (scale) w->scale[i] = scale[src];
      const int32_t dev = std::max(zero_point[src] - qmin, qmax - zero_point[src]);
      w->max_abs_b = std::max(w->max_abs_b, dev);
    }
    // Straight into the layout of the kernel path in use.
    w->data = pack_layout(*w, static_cast<const uint8_t*>(data), layout, layout_for(current_isa()));
  } catch (const std::bad_alloc&) {
    delete w;
    return EI8_E_NOMEM;
  }
  if (!w->data) {
    delete w;
    return EI8_E_NOMEM;
  }
  *out = w;
  return EI8_OK;
}

void ei8_packed_retain(ei8_packed* p) {
  if (p) p->refs.fetch_add(1);
}
void ei8_packed_release(ei8_packed* p) {
  if (p && p->refs.fetch_sub(1) == 1) delete p;
}
size_t ei8_packed_k(const ei8_packed* p) { return p ? p->k : 0; }
size_t ei8_packed_n(const ei8_packed* p) { return p ? p->n : 0; }
size_t ei8_packed_group_size(const ei8_packed* p) { return p ? p->group_size : 0; }

size_t ei8_packed_bytes(const ei8_packed* p) {
  if (!p) return 0;
  std::lock_guard<std::mutex> lock(p->mu);
  return p->data->memory() + (p->zero_point.size() + p->scale.size()) * 4;
}

const char* ei8_packed_layout_name(const ei8_packed* p) {
  if (!p) return "";
  LayoutKey key;
  {
    std::lock_guard<std::mutex> lock(p->mu);
    key = p->data->key;
  }
  // Per thread, so that the text stays valid after another thread repacks the weights.
  thread_local char name[32];
  if (key.is_ref())
    std::snprintf(name, sizeof(name), "ref");
  else
    std::snprintf(name, sizeof(name), "n%zuc%zu", key.nr, key.kr);
  return name;
}

// ------------------------------------------------------------------------------- matmul ----

static int32_t max_abs_a(const ei8_activations* a) {
  int32_t qmin, qmax, worst = 0;
  ei8_dtype_range(a->dtype, 0, &qmin, &qmax);
  for (size_t i = 0; i < a->n_zero_points; ++i)
    worst = std::max(worst, std::max(a->zero_point[i] - qmin, qmax - a->zero_point[i]));
  return worst;
}

size_t ei8_max_exact_k(const ei8_activations* a, const ei8_packed* b) {
  if (!a || !b || !a->zero_point) return 0;
  const int64_t worst = static_cast<int64_t>(max_abs_a(a)) * b->max_abs_b;
  return worst == 0 ? std::numeric_limits<size_t>::max()
                    : static_cast<size_t>(std::numeric_limits<int32_t>::max() / worst);
}

// Shapes, zero points and the exactness bound over `reduced` (K, or the group length).
static ei8_status check_activations(const ei8_activations* a, const ei8_packed* b, bool per_group_bound) {
  if (!a || !b || !a->data || !a->zero_point || !valid_dtype(a->dtype)) return EI8_E_ARG;
  if (a->m == 0 || a->k != b->k || a->row_stride < a->k) return EI8_E_ARG;
  if (a->n_zero_points != 1 && a->n_zero_points != a->m) return EI8_E_ARG;
  if (a->m - 1 > (std::numeric_limits<size_t>::max() - a->k) / a->row_stride) return EI8_E_OVERFLOW;
  int32_t qmin, qmax;
  ei8_dtype_range(a->dtype, 0, &qmin, &qmax);
  if (ref::check_params(nullptr, a->zero_point, a->n_zero_points, qmin, qmax, nullptr) != EI8_OK)
    return EI8_E_RANGE;
  const size_t reduced = per_group_bound && b->group_size ? std::min(b->group_size, b->k) : b->k;
  return reduced <= ei8_max_exact_k(a, b) ? EI8_OK : EI8_E_OVERFLOW;
}

// Runs `reference` or the tiled path of the ISA in use on the layout it reads.
template <class RefFn>
static ei8_status dispatch(const ei8_packed* b, const GemmRequest& req, RefFn&& reference) {
  const IsaEntry& isa = current_isa();
  std::shared_ptr<const PackedData> pd = b->acquire(layout_for(isa));
  if (!pd) return EI8_E_NOMEM;
  count_call(isa);
  if (!isa.path) {
    reference(ref::RefWeights{*b, pd->bytes.data()});
    return EI8_OK;
  }
  return run_tiled(*isa.path, req, *pd);
}

ei8_status ei8_matmul_i32(const ei8_activations* a, const ei8_packed* b, int32_t* out) {
  ei8_status st = check_activations(a, b, false);
  if (st != EI8_OK) return st;
  if (!out) return EI8_E_ARG;
  return dispatch(b, GemmRequest::i32(a, b, out), [&](const ref::RefWeights& w) { ref::matmul_i32(*a, w, out); });
}

std::shared_ptr<const RequantMultipliers> ei8_packed::requant_multipliers(float a_scale, float out_scale,
                                                                          ei8_rounding rounding) const {
  {
    std::lock_guard<std::mutex> lock(mu);
    const auto& last = last_multipliers;
    if (last && last->a_scale == a_scale && last->out_scale == out_scale && last->rounding == rounding) return last;
  }
  auto m = std::make_shared<RequantMultipliers>();
  if (!compute_requant_multipliers(a_scale, scale.data(), n, out_scale, rounding, m.get())) return nullptr;
  std::lock_guard<std::mutex> lock(mu);
  last_multipliers = m;
  return m;
}

ei8_status ei8_matmul_requant(const ei8_activations* a, const ei8_packed* b, const ei8_requant* rq,
                              void* out) {
  ei8_status st = check_activations(a, b, false);
  if (st != EI8_OK) return st;
  if (!out || b->scale.empty() || b->group_size) return EI8_E_ARG;
  st = check_requant(rq);
  if (st != EI8_OK) return st;

  std::shared_ptr<const RequantMultipliers> mult;
  try {
    mult = b->requant_multipliers(rq->a_scale, rq->out_scale, rq->rounding);
  } catch (const std::bad_alloc&) {
    return EI8_E_NOMEM;
  }
  if (!mult) return EI8_E_RANGE;  // a multiplier is not finite
  return dispatch(b, GemmRequest::requant(a, b, rq, *mult, out),
                  [&](const ref::RefWeights& w) { ref::matmul_requant(*a, w, *rq, out); });
}

ei8_status ei8_matmul_dequant(const ei8_activations* a, const float* a_scale, size_t n_a_scales,
                              const ei8_packed* b, const float* bias, float* out) {
  ei8_status st = check_activations(a, b, true);
  if (st != EI8_OK) return st;
  if (!out || b->scale.empty()) return EI8_E_ARG;
  st = check_dequant_scales(a, a_scale, n_a_scales);
  if (st != EI8_OK) return st;
  return dispatch(b, GemmRequest::dequant(a, b, a_scale, n_a_scales, bias, out), [&](const ref::RefWeights& w) {
    ref::matmul_dequant(*a, a_scale, n_a_scales, w, bias, out);
  });
}

ei8_status ei8_matmul_f32(const float* a, size_t m, size_t k, int per_token, const ei8_packed* b,
                          const float* bias, float* out, size_t* bad_index) {
  if (!a || !b || !out || m == 0 || k != b->k) return EI8_E_ARG;
  if (m > std::numeric_limits<size_t>::max() / k) return EI8_E_OVERFLOW;
  try {
    // A per row (per token) or per tensor, uint8 affine: onnxruntime's DynamicQuantizeLinear.
    DynamicQuantActivations qa;
    const ei8_status st = quantize_activations_u8(a, m, k, per_token != 0, &qa, bad_index);
    if (st != EI8_OK) return st;
    return ei8_matmul_dequant(&qa.view, qa.scale, qa.n_scales, b, bias, out);
  } catch (const std::bad_alloc&) {
    return EI8_E_NOMEM;
  }
}

// ---------------------------------------------------------------------- runtime control ----

const char* ei8_cpu_features(void) { return cpu_features().names.c_str(); }
const char* ei8_cpu_arch(void) { return cpu_features().arch.c_str(); }
size_t ei8_isa_count(void) { return available_isas().size(); }
const char* ei8_isa_name(size_t i) { return i < available_isas().size() ? available_isas()[i].name : nullptr; }
const char* ei8_isa_current(void) { return current_isa().name; }
size_t ei8_built_count(void) { return 2 + built_paths().size(); }
const char* ei8_built_name(size_t i) {
  if (i == 0) return "ref";
  if (i == 1) return "scalar";
  return i - 2 < built_paths().size() ? built_paths()[i - 2].path->isa : nullptr;
}
ei8_status ei8_set_isa(const char* name) { return name && set_isa(name) ? EI8_OK : EI8_E_ISA; }
void ei8_set_threads(size_t n) { ThreadPool::instance().set_threads(n); }
size_t ei8_get_threads(void) { return ThreadPool::instance().threads(); }
void ei8_set_thread_serial(int on) { ThreadPool::set_serial_thread(on != 0); }
uint64_t ei8_isa_calls(const char* name) { return name ? calls_of(name) : 0; }
