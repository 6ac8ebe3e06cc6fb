/*
 * edge-int8 core: codebook (look-up table) weights, the C API.
 *
 * Weights B (logical [K, N]) stored as 4-bit indices into small codebooks of 16 int8 centroids, each
 * codebook with a float scale: B[k, n] = scale[c] * table[c][index(k, n)], c the codebook of (k, n).
 * Since the centroids are int8, a kernel decodes indices to int8 with a 16-entry table look-up
 * (pshufb on x86) and feeds the integer dot product. The result is exactly that of the reference:
 * decode B to int8 (zero point 0, the codebook scales as weight scales), then the integer matmul of
 * edge_int8.h. Every function below has the semantics of its edge_int8.h counterpart on those
 * decoded weights (DESIGN.md section 2).
 */
#ifndef EDGE_INT8_CODEBOOK_H
#define EDGE_INT8_CODEBOOK_H

#include "edge_int8.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ei8_codebook ei8_codebook;

/*
 * indices: 4-bit, two per byte: element i of B in its stored layout (row-major [K, N] for
 *          EI8_LAYOUT_KN, [N, K] for EI8_LAYOUT_NK) is byte i / 2, low nibble when i is even.
 * tables:  n_books x 16 int8 centroids; scales: n_books floats, finite and > 0.
 * n_books: 1 (per tensor), N (per column), or ceil(K / group_size) * N (per group of group_size
 *          along K, book g * N + n). group_size is 0 unless per group.
 * The data is copied. The object is reference counted and starts with one reference.
 */
ei8_status ei8_codebook_pack(const uint8_t* indices, ei8_layout layout, size_t k, size_t n,
                             const int8_t* tables, const float* scales, size_t n_books,
                             size_t group_size, ei8_codebook** out);
void ei8_codebook_retain(ei8_codebook* c);
void ei8_codebook_release(ei8_codebook* c);
size_t ei8_codebook_k(const ei8_codebook* c);
size_t ei8_codebook_n(const ei8_codebook* c);
size_t ei8_codebook_group_size(const ei8_codebook* c);
/* Bytes of native memory held (indices, tables, scales, column sums). */
size_t ei8_codebook_bytes(const ei8_codebook* c);

/* C[m,n] = sum_k (A[m,k] - za) * B[k,n] with B decoded to int8 (ei8_matmul_i32). */
ei8_status ei8_codebook_matmul_i32(const ei8_activations* a, const ei8_codebook* b, int32_t* out);
/* Requantized output with the codebook scales as per-column weight scales; rejects grouped codebooks. */
ei8_status ei8_codebook_matmul_requant(const ei8_activations* a, const ei8_codebook* b,
                                       const ei8_requant* rq, void* out);
/* Float output (ei8_matmul_dequant): groups summed in f32 in group order, then bias. */
ei8_status ei8_codebook_matmul_dequant(const ei8_activations* a, const float* a_scale,
                                       size_t n_a_scales, const ei8_codebook* b, const float* bias,
                                       float* out);
/* Dynamic quantization of f32 A (ei8_matmul_f32), then ei8_codebook_matmul_dequant. */
ei8_status ei8_codebook_matmul_f32(const float* a, size_t m, size_t k, int per_token,
                                   const ei8_codebook* b, const float* bias, float* out,
                                   size_t* bad_index);

/*
 * The look-up-table kernels built into this binary that this CPU can run, worst first; "ref"
 * (decode, then the reference matmul) is always first. By default the kernel follows the kernel
 * path of edge_int8.h: "ref" runs the reference, the best path runs the best kernel, and a forced
 * path runs the best kernel of that instruction set or a lower one. ei8_codebook_set_kernel forces
 * one ("auto" returns to the default).
 */
size_t ei8_codebook_kernel_count(void);
const char* ei8_codebook_kernel_name(size_t i);
const char* ei8_codebook_kernel_current(void);
ei8_status ei8_codebook_set_kernel(const char* name);
uint64_t ei8_codebook_kernel_calls(const char* name);

#ifdef __cplusplus
}
#endif

#endif /* EDGE_INT8_CODEBOOK_H */
