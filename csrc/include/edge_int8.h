/*
 * edge-int8 core: the public C API.
 *
 * Plain C, no Node headers. The Node-API binding (csrc/napi) is one consumer; the C++ tests are
 * another. Every function validates its arguments and returns a status instead of crashing.
 * Semantics are those of DESIGN.md section 2; the scalar reference kernels (csrc/ref) define them.
 */
#ifndef EDGE_INT8_H
#define EDGE_INT8_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ei8_dtype { EI8_INT8 = 0, EI8_UINT8 = 1 } ei8_dtype;

typedef enum ei8_status {
  EI8_OK = 0,
  EI8_E_ARG = 1,       /* a shape, length or enum argument is invalid */
  EI8_E_RANGE = 2,     /* a scale, zero point, clamp or multiplier is out of range */
  EI8_E_NONFINITE = 3, /* NaN or +-Inf in float input; *bad_index names the first one */
  EI8_E_OVERFLOW = 4,  /* K beyond the exact-int32 bound, or a size overflows */
  EI8_E_NOMEM = 5,
  EI8_E_ISA = 6        /* the requested instruction set is not available */
} ei8_status;

/* Short human-readable text for a status (static storage). */
const char* ei8_status_text(ei8_status s);

/* ---------------------------------------------------------------- quantization parameters ---- */

typedef enum ei8_granularity {
  EI8_PER_TENSOR = 0,  /* one (scale, zero point) */
  EI8_PER_CHANNEL = 1, /* one per index of the axis */
  EI8_PER_GROUP = 2    /* one per run of group_size elements along the axis, for every other index */
} ei8_granularity;

/*
 * A tensor seen as [outer, axis_len, inner] around its quantization axis.
 * Parameter index of element (o, a, i):
 *   per tensor  0
 *   per channel a
 *   per group   (o * ceil(axis_len / group_size) + a / group_size) * inner + i
 * (the per-group layout is ONNX's blocked quantization: the scale tensor has the input's shape with
 *  the axis dimension replaced by the number of groups).
 */
typedef struct ei8_qview {
  size_t outer, axis_len, inner;
  ei8_granularity granularity;
  size_t group_size; /* > 0 for EI8_PER_GROUP, ignored otherwise */
} ei8_qview;

/* Number of (scale, zero point) pairs the view needs; 0 if the view is invalid. */
size_t ei8_qview_param_count(const ei8_qview* v);

/* Representable range of a dtype: int8 [-128,127] (narrow: [-127,127]), uint8 [0,255]. */
void ei8_dtype_range(ei8_dtype dt, int narrow, int32_t* qmin, int32_t* qmax);

/*
 * Parameters from data. Affine: the range [min(0,xmin), max(0,xmax)] maps onto [qmin,qmax]
 * (onnxruntime's DynamicQuantizeLinear rule). Symmetric: int8 scale = absmax/127 and zero point 0;
 * uint8 scale = 2*absmax/255 and zero point 128. The scale is always finite and > 0.
 */
ei8_status ei8_choose_qparams(const float* x, const ei8_qview* v, ei8_dtype dt, int symmetric,
                              int narrow, float* scale, int32_t* zero_point, size_t* bad_index);

/* q = sat(RNE(x / s) + z, qmin, qmax). */
ei8_status ei8_quantize(const float* x, const ei8_qview* v, const float* scale,
                        const int32_t* zero_point, ei8_dtype dt, int32_t qmin, int32_t qmax,
                        void* out, size_t* bad_index);

/* x = s * (q - z). */
ei8_status ei8_dequantize(const void* q, ei8_dtype dt, const ei8_qview* v, const float* scale,
                          const int32_t* zero_point, float* out);

/* ----------------------------------------------------------------------- packed weights ---- */

typedef struct ei8_packed ei8_packed;

typedef enum ei8_layout {
  EI8_LAYOUT_KN = 0, /* B stored [K, N] row-major (ONNX MatMul B) */
  EI8_LAYOUT_NK = 1  /* B stored [N, K] row-major (TFLite FullyConnected / PyTorch Linear weight) */
} ei8_layout;

/*
 * Weights B (logical [K, N]) with their quantization parameters:
 *   group_size == 0: zero_point and scale have n_params = 1 (per tensor) or N (per column);
 *   group_size  > 0: n_params = ceil(K / group_size) * N, index g * N + n (groups along K).
 * scale may be NULL (integer-only use). The weights are copied; the caller keeps its buffers.
 * The packed object is reference counted and starts with one reference.
 */
ei8_status ei8_pack_weights(const void* data, ei8_dtype dt, ei8_layout layout, size_t k, size_t n,
                            const int32_t* zero_point, const float* scale, size_t n_params,
                            size_t group_size, ei8_packed** out);
void ei8_packed_retain(ei8_packed* p);
void ei8_packed_release(ei8_packed* p);
size_t ei8_packed_k(const ei8_packed* p);
size_t ei8_packed_n(const ei8_packed* p);
size_t ei8_packed_group_size(const ei8_packed* p);
/* Bytes of native memory held (packed data, sums, parameters). */
size_t ei8_packed_bytes(const ei8_packed* p);
/* Name of the layout currently held, e.g. "ref", "n16c4". */
const char* ei8_packed_layout_name(const ei8_packed* p);

/* ------------------------------------------------------------------------------- matmul ---- */

/* Activations A, [M, K] with a row stride in elements. zero_point has 1 entry or M (per row). */
typedef struct ei8_activations {
  const void* data;
  ei8_dtype dtype;
  size_t m, k, row_stride;
  const int32_t* zero_point;
  size_t n_zero_points;
} ei8_activations;

/* Largest K for which every (A - za)(B - zb) sum fits int32, given the zero points in use. */
size_t ei8_max_exact_k(const ei8_activations* a, const ei8_packed* b);

/* C[m,n] = sum_k (A[m,k] - za) * (B[k,n] - zb[n]), exact int32 (ONNX MatMulInteger). */
ei8_status ei8_matmul_i32(const ei8_activations* a, const ei8_packed* b, int32_t* out);

typedef enum ei8_rounding {
  EI8_ROUND_FLOAT = 0,     /* onnxruntime QLinearMatMul: fl32 multiplier, round half to even */
  EI8_ROUND_FIXEDPOINT = 1 /* TFLite: QuantizeMultiplier + MultiplyByQuantizedMultiplier */
} ei8_rounding;

typedef struct ei8_requant {
  float a_scale;       /* per tensor */
  float out_scale;
  int32_t out_zero_point;
  ei8_dtype out_dtype;
  ei8_rounding rounding;
  const int32_t* bias; /* NULL or N entries, added (wrapping int32) to the accumulator first */
  int32_t clamp_min, clamp_max; /* inside the output dtype's range */
} ei8_requant;

/* Requantized output (per-column weight scales from b). Rejects grouped weights. */
ei8_status ei8_matmul_requant(const ei8_activations* a, const ei8_packed* b, const ei8_requant* rq,
                              void* out);

/*
 * Float output: y = fl32(acc) * fl32(sa[m] * sb[n]) + bias[n]; grouped weights sum the scaled
 * int32 group accumulators in f32, in group order. a_scale has 1 entry or M; bias NULL or N.
 */
ei8_status ei8_matmul_dequant(const ei8_activations* a, const float* a_scale, size_t n_a_scales,
                              const ei8_packed* b, const float* bias, float* out);

/*
 * Dynamic quantization: A (f32) is quantized to uint8 per row (per_token) or per tensor with
 * onnxruntime's DynamicQuantizeLinear rule, then multiplied as ei8_matmul_dequant.
 */
ei8_status ei8_matmul_f32(const float* a, size_t m, size_t k, int per_token, const ei8_packed* b,
                          const float* bias, float* out, size_t* bad_index);

/* ---------------------------------------------------------------------- runtime control ---- */

/* Short names of CPU features detected (space separated), e.g. "avx2 fma avx512vnni". */
const char* ei8_cpu_features(void);
const char* ei8_cpu_arch(void);
/* Kernel paths usable on this CPU and built into this binary, best last; always has "ref". */
size_t ei8_isa_count(void);
const char* ei8_isa_name(size_t i);
/* Kernel paths compiled into this binary, whether or not this CPU can run them. */
size_t ei8_built_count(void);
const char* ei8_built_name(size_t i);
/* The path in use. */
const char* ei8_isa_current(void);
/* "auto" picks the best; otherwise one of the names above. */
ei8_status ei8_set_isa(const char* name);
/* Worker threads for one call (>= 1). Default: the cores available to the process. */
void ei8_set_threads(size_t n);
size_t ei8_get_threads(void);
/* Serial mode for the calling thread (on != 0) or not (0): its calls then run on it alone and never
 * wait for a parallel region that another thread's call is running (one region runs at a time).
 * For a caller that must not block, such as a JS thread running a small call of an async API. */
void ei8_set_thread_serial(int on);
/* Counts calls per kernel path since load (for tests that must prove a path ran). */
uint64_t ei8_isa_calls(const char* name);

/* ------------------------------------------------------------------------ roofline probes ---- */

/* For bench/: multiply-accumulates per second of `isa`'s dot-product instruction in a register-only
   loop on `threads` threads (0 when the path has none or is unknown). */
double ei8_probe_dot_peak(const char* isa, size_t threads);
/* For bench/: bytes per second of a streaming read of a `bytes`-byte buffer, split over `threads`. */
double ei8_probe_read_bandwidth(size_t bytes, size_t threads);

/* ===================================================== sparse weights (issue 6: sparse GEMM) ==== */
/*
 * Pruned weights in a sparse format. A weight is "zero" when B[k,n] == zb[n] (real value 0.0); the
 * formats store w = B - zb for the others, which must lie in [-128, 127]. Results equal the dense
 * functions above on the same weights exactly (same integers, same float epilogue order).
 * Per-group weights are not accepted (n_params is 1 or N).
 */
typedef struct ei8_sparse ei8_sparse;

typedef enum ei8_sparse_format {
  EI8_SPARSE_AUTO = 0,  /* the cheapest structure found in the weights, or dense when no sparse
                           format beats it (the measured threshold, README "Sparse weights") */
  EI8_SPARSE_CSR = 1,   /* unstructured */
  EI8_SPARSE_BSR = 2,   /* blocks of block_r outputs x block_c consecutive k */
  EI8_SPARSE_NM = 3,    /* at most nm_n non-zeros in every nm_m consecutive k of an output */
  EI8_SPARSE_DENSE = 4, /* the dense layout, behind the sparse interface */
  EI8_SPARSE_SELL = 5   /* unstructured, as sliced ELLPACK over windows of 128 k (16 outputs a slice):
                           the GEMV layout of unstructured weights where the CPU has a byte permute */
} ei8_sparse_format;

typedef struct ei8_sparse_options {
  ei8_sparse_format format;
  uint32_t block_r, block_c; /* BSR: 1..16 x 1..64 */
  uint32_t nm_n, nm_m;       /* NM: nm_n in {1, 2, 4}, nm_n <= nm_m, 4 * nm_m / nm_n <= 16 */
  uint32_t rows;             /* AUTO: rows of A per call the choice is for; below 8 (0 included) the
                                GEMV costs, from 8 on the batch costs (README "Sparse weights") */
} ei8_sparse_options;

/*
 * Packs B (as ei8_pack_weights, without groups). EI8_E_ARG also when the weights break the
 * requested N:M pattern; EI8_E_RANGE when some B - zb is outside [-128, 127]; EI8_E_OVERFLOW when a
 * k index does not fit 16 bits (K / block_c > 65536).
 */
ei8_status ei8_pack_sparse(const void* data, ei8_dtype dt, ei8_layout layout, size_t k, size_t n,
                           const int32_t* zero_point, const float* scale, size_t n_params,
                           const ei8_sparse_options* opts, ei8_sparse** out);
void ei8_sparse_retain(ei8_sparse* s);
void ei8_sparse_release(ei8_sparse* s);
size_t ei8_sparse_k(const ei8_sparse* s);
size_t ei8_sparse_n(const ei8_sparse* s);
/* The format chosen (never EI8_SPARSE_AUTO) and its parameters (BSR block, N:M; CSR reports 1 x 1). */
void ei8_sparse_describe(const ei8_sparse* s, ei8_sparse_format* format, uint32_t* block_r, uint32_t* block_c,
                         uint32_t* nm_n, uint32_t* nm_m);
/* Weights that are not zero. */
size_t ei8_sparse_nnz(const ei8_sparse* s);
/* Bytes a kernel streams per call: values plus index metadata (K * N for the dense format). */
size_t ei8_sparse_stream_bytes(const ei8_sparse* s);
/* Bytes of native memory held. */
size_t ei8_sparse_bytes(const ei8_sparse* s);

size_t ei8_sparse_max_exact_k(const ei8_activations* a, const ei8_sparse* b);
ei8_status ei8_sparse_matmul_i32(const ei8_activations* a, const ei8_sparse* b, int32_t* out);
ei8_status ei8_sparse_matmul_requant(const ei8_activations* a, const ei8_sparse* b, const ei8_requant* rq,
                                     void* out);
ei8_status ei8_sparse_matmul_dequant(const ei8_activations* a, const float* a_scale, size_t n_a_scales,
                                     const ei8_sparse* b, const float* bias, float* out);
ei8_status ei8_sparse_matmul_f32(const float* a, size_t m, size_t k, int per_token, const ei8_sparse* b,
                                 const float* bias, float* out, size_t* bad_index);

/* The sparse kernel path the next call uses: the one named like the dense path in use, the best
 * one when the dense path is the best, "ref" under "ref". */
const char* ei8_sparse_isa_current(void);
/* Calls served per sparse kernel path since load (for tests that must prove a path ran); "<isa>:narrow"
 * counts those of them served by the path's kernels for weights without -128 (avx2, sse41). */
uint64_t ei8_sparse_isa_calls(const char* name);
/* How the sparse path in use gathers SELL's activations: "permute" (a byte permute over the whole
 * window: AVX-512 VBMI, ARM), "lookups" (16-byte lookups: AVX2, AVX-VNNI, AVX-512 without VBMI),
 * "portable" (the C++ loop: scalar, sse41; 'auto' never packs SELL there), "ref" under "ref". */
const char* ei8_sparse_sell_kernel(void);
/* ============================================================================ end of sparse ==== */

#ifdef __cplusplus
}
#endif

#endif /* EDGE_INT8_H */
