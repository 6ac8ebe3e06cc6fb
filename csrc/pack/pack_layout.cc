// Weight packing: canonical n x k bytes <-> the reference or a tiled (nr, kr) layout.
#include <algorithm>
#include <cstring>

#include "pack/weights.h"

namespace ei8 {

// uint8 weights are stored shifted into int8 so that every kernel sees signed weights.
static inline int8_t to_s8(uint8_t raw, ei8_dtype dt) {
  return static_cast<int8_t>(dt == EI8_UINT8 ? raw ^ 0x80 : raw);
}
static inline uint8_t from_s8(int8_t v, ei8_dtype dt) {
  return static_cast<uint8_t>(dt == EI8_UINT8 ? static_cast<uint8_t>(v) ^ 0x80 : static_cast<uint8_t>(v));
}

// B[k, n] of the source bytes, whichever way they are stored.
template <ei8_layout L>
static inline uint8_t source_at(const uint8_t* src, size_t K, size_t N, size_t k, size_t n) {
  return L == EI8_LAYOUT_KN ? src[k * N + n] : src[n * K + k];
}

void to_canonical(const uint8_t* src, ei8_layout layout, size_t K, size_t N, uint8_t* nk) {
  if (layout == EI8_LAYOUT_NK) {
    std::memcpy(nk, src, N * K);
    return;
  }
  constexpr size_t kTile = 64;
  for (size_t k0 = 0; k0 < K; k0 += kTile)
    for (size_t n0 = 0; n0 < N; n0 += kTile)
      for (size_t n = n0; n < std::min(N, n0 + kTile); ++n)
        for (size_t k = k0; k < std::min(K, k0 + kTile); ++k) nk[n * K + k] = src[k * N + n];
}

// Tiled layout, written panel by panel in order; column sums accumulated on the way.
// Reading a [K, N] source runs along rows; an [N, K] source keeps one cache line per column of
// the panel live while k advances.
template <ei8_layout L>
static void pack_tiled(const ei8_packed& w, const uint8_t* src, PackedData& d, std::vector<uint32_t>& colsum) {
  const size_t K = w.k, N = w.n, nr = d.key.nr, kr = d.key.kr;
  const GroupGeometry& g = d.geom;
  const size_t kp = g.packed_k();
  int8_t* out = reinterpret_cast<int8_t*>(d.bytes.data());
  bool narrow = true;
  for (size_t p = 0; p < d.panels; ++p) {
    const size_t n0 = p * nr, cols = std::min(nr, N - n0);
    int8_t* panel = out + p * kp * nr;
    for (size_t gi = 0; gi < g.groups; ++gi) {
      const size_t k0 = gi * g.group_size, pk0 = g.packed_offset(gi);
      uint32_t* sums = &colsum[gi * N + n0];
      for (size_t kk = 0; kk < g.len(gi); ++kk) {
        const size_t pk = pk0 + kk;
        int8_t* dst = panel + (pk / kr) * nr * kr + pk % kr;
        for (size_t j = 0; j < cols; ++j) {
          const int8_t v = to_s8(source_at<L>(src, K, N, k0 + kk, n0 + j), w.dtype);
          dst[j * kr] = v;
          sums[j] += static_cast<uint32_t>(static_cast<int32_t>(v));
          narrow &= v != -128;
        }
      }
    }
  }
  d.narrow = narrow;
}

std::shared_ptr<PackedData> pack_layout(const ei8_packed& w, const uint8_t* src, ei8_layout layout, LayoutKey key) {
  auto d = std::make_shared<PackedData>();
  d->key = key;
  const size_t K = w.k, N = w.n;
  if (key.is_ref()) {
    d->geom = GroupGeometry(K, w.group_size, 1);
    if (!d->bytes.resize(N * K)) return nullptr;
    to_canonical(src, layout, K, N, d->bytes.data());
    return d;
  }
  d->geom = GroupGeometry(K, w.group_size, key.kr);
  const GroupGeometry& g = d->geom;
  d->panels = div_up(N, key.nr);
  if (!d->bytes.resize(d->panels * g.packed_k() * key.nr)) return nullptr;
  std::vector<uint32_t> colsum(g.groups * N, 0);  // wrapping sums of b'
  if (layout == EI8_LAYOUT_KN)
    pack_tiled<EI8_LAYOUT_KN>(w, src, *d, colsum);
  else
    pack_tiled<EI8_LAYOUT_NK>(w, src, *d, colsum);
  const int32_t shift = w.dtype == EI8_UINT8 ? 128 : 0;
  const size_t terms = d->panels * g.groups * key.nr;
  d->zb.assign(terms, 0);
  d->ck.assign(terms, 0);
  if (!w.scale.empty()) d->sb.assign(terms, 0.0f);
  for (size_t gi = 0; gi < g.groups; ++gi) {
    for (size_t n = 0; n < N; ++n) {
      const size_t i = gi * N + n, t = d->term_index(n / key.nr, gi) + n % key.nr;
      const int32_t zbp = w.zero_point[i] - shift;
      d->zb[t] = zbp;
      d->ck[t] = static_cast<int32_t>(static_cast<uint32_t>(g.len(gi)) * static_cast<uint32_t>(zbp) - colsum[i]);
      if (!w.scale.empty()) d->sb[t] = w.scale[i];
      d->needs_row_sums |= zbp != 0;
    }
  }
  return d;
}

void unpack_layout(const ei8_packed& w, const PackedData& d, uint8_t* nk) {
  const size_t K = w.k, N = w.n;
  if (d.key.is_ref()) {
    std::memcpy(nk, d.bytes.data(), N * K);
    return;
  }
  const size_t nr = d.key.nr, kr = d.key.kr;
  const GroupGeometry& g = d.geom;
  for (size_t n = 0; n < N; ++n) {
    const int8_t* panel = d.panel(n / nr);
    const size_t j = n % nr;
    for (size_t gi = 0; gi < g.groups; ++gi) {
      const size_t k0 = gi * g.group_size, pk0 = g.packed_offset(gi);
      for (size_t kk = 0; kk < g.len(gi); ++kk) {
        const size_t pk = pk0 + kk;
        nk[n * K + k0 + kk] = from_s8(panel[(pk / kr) * nr * kr + j * kr + pk % kr], w.dtype);
      }
    }
  }
}

}  // namespace ei8

std::shared_ptr<const ei8::PackedData> ei8_packed::acquire(ei8::LayoutKey key) const {
  std::lock_guard<std::mutex> lock(mu);
  if (data && data->key == key) return data;
  // Another kernel family is in use since packing (setIsa): repack through the canonical form.
  std::vector<uint8_t> nk(n * k);
  ei8::unpack_layout(*this, *data, nk.data());
  std::shared_ptr<const ei8::PackedData> fresh = ei8::pack_layout(*this, nk.data(), EI8_LAYOUT_NK, key);
  if (fresh) data = fresh;
  return fresh;
}
