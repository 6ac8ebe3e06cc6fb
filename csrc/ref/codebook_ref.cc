// Codebook weights: packing, and the reference matmuls (decode, then the reference integer matmul).
#include "ref/codebook_ref.h"

#include <algorithm>
#include <new>
#include <vector>

#include "ref/matmul_ref.h"

using ei8::lut::kBlockBytes;
using ei8::lut::kEntries;
using ei8::lut::kKR;
using ei8::lut::kNR;

// Where B[kk, nn]'s index lives in the packed layout: byte address (row part + column part) and
// nibble. Split so that the packer computes the row part once per k.
static size_t row_byte(const ei8_codebook& c, size_t kk, bool* high) {
  const size_t g = kk / c.geom.group_size;
  const size_t pk = c.geom.packed_offset(g) + kk % c.geom.group_size;  // packed k
  const size_t r = pk % kKR;
  *high = r >= 16;
  return (pk / kKR) * kBlockBytes + r % 16;
}

static size_t column_byte(size_t panel_bytes, size_t nn) { return (nn / kNR) * panel_bytes + (nn % kNR) * 16; }

static size_t index_byte(const ei8_codebook& c, size_t kk, size_t nn, bool* high) {
  return row_byte(c, kk, high) + column_byte(c.panel_bytes(), nn);
}

uint8_t ei8_codebook::index(size_t kk, size_t nn) const {
  bool high;
  const uint8_t byte = idx.data()[index_byte(*this, kk, nn, &high)];
  return high ? byte >> 4 : byte & 0x0f;
}

int8_t ei8_codebook::decoded(size_t kk, size_t nn) const {
  const size_t g = kk / geom.group_size;
  return panel_tables(nn / kNR, g)[(nn % kNR) * kEntries + index(kk, nn)];
}

namespace ei8 {
namespace ref {

ei8_status codebook_pack(const uint8_t* indices, ei8_layout layout, size_t k, size_t n,
                         const int8_t* tables, const float* scales, size_t n_books,
                         size_t group_size, ei8_codebook& c) {
  c.k = k;
  c.n = n;
  c.group_size = group_size;
  c.geom = GroupGeometry(k, group_size, kKR);
  c.panels = div_up(n, kNR);
  const size_t groups = c.geom.groups;
  try {
    c.colsum.assign(groups * n, 0);
    c.scale.assign(groups * n, 0.0f);
  } catch (const std::bad_alloc&) {
    return EI8_E_NOMEM;
  }
  if (!c.idx.resize(c.panels * c.panel_bytes()) || !c.tables.resize(c.panels * groups * kNR * kEntries))
    return EI8_E_NOMEM;

  // Codebook of (group g, column nn) among the n_books given.
  auto book = [&](size_t g, size_t nn) { return n_books == 1 ? 0 : (group_size ? g * n + nn : nn); };
  int8_t* tab = reinterpret_cast<int8_t*>(c.tables.data());
  for (size_t nn = 0; nn < n; ++nn) {
    for (size_t g = 0; g < groups; ++g) {
      const size_t b = book(g, nn);
      for (size_t e = 0; e < kEntries; ++e)
        tab[((nn / kNR) * groups + g) * kNR * kEntries + (nn % kNR) * kEntries + e] = tables[b * kEntries + e];
      c.scale[g * n + nn] = scales[b];
    }
  }
  // 64 columns (16 panels) at a time, k inner: a row of all n columns wrote to n / 4 panels a panel
  // apart (n / 4 pages), and the page walks took most of the time.
  uint8_t* dst = c.idx.data();
  const size_t panel_bytes = c.panel_bytes();  // a local: the byte stores below may alias c for the compiler
  constexpr size_t kColumns = 64;
  for (size_t n0 = 0; n0 < n; n0 += kColumns)
  for (size_t kk = 0; kk < k; ++kk) {
    bool high;
    uint8_t* row = dst + row_byte(c, kk, &high);  // per k, not per index (divisions by the group size)
    const size_t g = kk / c.geom.group_size;
    int32_t* colsum = &c.colsum[g * n];
    for (size_t nn = n0; nn < std::min(n, n0 + kColumns); ++nn) {
      const size_t i = layout == EI8_LAYOUT_KN ? kk * n + nn : nn * k + kk;
      const uint8_t v = (indices[i / 2] >> (i % 2 ? 4 : 0)) & 0x0f;
      uint8_t& byte = row[column_byte(panel_bytes, nn)];
      byte = static_cast<uint8_t>(high ? (byte & 0x0f) | (v << 4) : (byte & 0xf0) | v);
      // Wrapping sum, like every other int32 sum of the core (it cannot overflow for K < 2^24).
      colsum[nn] = static_cast<int32_t>(static_cast<uint32_t>(colsum[nn]) +
                                        static_cast<uint32_t>(static_cast<int32_t>(tables[book(g, nn) * kEntries + v])));
    }
  }
  return EI8_OK;
}

// The decoded weights as the reference integer matmul reads them: canonical n x k int8 bytes and an
// ei8_packed carrying zero points 0 and the codebook scales.
struct Decoded {
  ei8_packed w;
  std::vector<uint8_t> nk;

  explicit Decoded(const ei8_codebook& c) {
    w.k = c.k;
    w.n = c.n;
    w.group_size = c.group_size;
    w.groups = c.groups();
    w.dtype = EI8_INT8;
    w.zero_point.assign(c.groups() * c.n, 0);
    w.scale = c.scale;
    w.max_abs_b = 128;
    nk.resize(c.n * c.k);
    for (size_t nn = 0; nn < c.n; ++nn)
      for (size_t kk = 0; kk < c.k; ++kk) nk[nn * c.k + kk] = static_cast<uint8_t>(c.decoded(kk, nn));
  }
  RefWeights weights() const { return RefWeights{w, nk.data()}; }
};

void codebook_matmul_i32(const ei8_activations& a, const ei8_codebook& b, int32_t* out) {
  const Decoded d(b);
  matmul_i32(a, d.weights(), out);
}

void codebook_matmul_requant(const ei8_activations& a, const ei8_codebook& b, const ei8_requant& rq, void* out) {
  const Decoded d(b);
  matmul_requant(a, d.weights(), rq, out);
}

void codebook_matmul_dequant(const ei8_activations& a, const float* a_scale, size_t n_a_scales,
                             const ei8_codebook& b, const float* bias, float* out) {
  const Decoded d(b);
  matmul_dequant(a, a_scale, n_a_scales, d.weights(), bias, out);
}

}  // namespace ref
}  // namespace ei8
