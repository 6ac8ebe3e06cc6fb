// Weight packing: canonical n x k bytes <-> the reference or a tiled (nr, kr) layout.
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

std::shared_ptr<PackedData> pack_layout(const ei8_packed& w, const uint8_t* nk, LayoutKey key) {
  auto d = std::make_shared<PackedData>();
  d->key = key;
  const size_t K = w.k, N = w.n;
  if (key.is_ref()) {
    d->geom = GroupGeometry(K, w.group_size, 1);
    if (!d->bytes.resize(N * K)) return nullptr;
    std::memcpy(d->bytes.data(), nk, N * K);
    return d;
  }
  const size_t nr = key.nr, kr = key.kr;
  d->geom = GroupGeometry(K, w.group_size, kr);
  const GroupGeometry& g = d->geom;
  const size_t kp = g.packed_k();
  d->panels = div_up(N, nr);
  if (!d->bytes.resize(d->panels * kp * nr)) return nullptr;
  int8_t* out = reinterpret_cast<int8_t*>(d->bytes.data());
  const int32_t shift = w.dtype == EI8_UINT8 ? 128 : 0;
  d->zb.assign(g.groups * N, 0);
  d->ck.assign(g.groups * N, 0);
  for (size_t n = 0; n < N; ++n) {
    int8_t* panel = out + (n / nr) * kp * nr;
    const size_t j = n % nr;
    const uint8_t* row = nk + n * K;
    for (size_t gi = 0; gi < g.groups; ++gi) {
      uint32_t colsum = 0;  // wrapping
      const size_t k0 = gi * g.group_size, pk0 = g.packed_offset(gi);
      for (size_t kk = 0; kk < g.len(gi); ++kk) {
        const int8_t v = to_s8(row[k0 + kk], w.dtype);
        const size_t pk = pk0 + kk;
        panel[(pk / kr) * nr * kr + j * kr + pk % kr] = v;
        colsum += static_cast<uint32_t>(static_cast<int32_t>(v));
        if (v == -128) d->narrow = false;
      }
      const int32_t zbp = w.zero_point[gi * N + n] - shift;
      d->zb[gi * N + n] = zbp;
      d->ck[gi * N + n] = static_cast<int32_t>(static_cast<uint32_t>(g.len(gi)) * static_cast<uint32_t>(zbp) - colsum);
      if (zbp != 0) d->needs_row_sums = true;
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
  std::shared_ptr<const ei8::PackedData> fresh = ei8::pack_layout(*this, nk.data(), key);
  if (fresh) data = fresh;
  return fresh;
}
