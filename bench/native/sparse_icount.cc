// Instructions an ARM sparse call executes, counted under qemu-user (no ARM board here, and qemu's
// timing says nothing about a board's): packs one BSR case (K = 1024, N = 256, 10 % of the blocks
// kept, seeded) and runs `calls` sparse int32 GEMMs of M rows on one thread and the given path.
// A sixth argument `dense` packs the same weights in the dense layout behind the sparse interface,
// `sell` in the SELL layout (with 1 x 1 blocks: unstructured).
// qemu in one-instruction-per-block mode logs every instruction it executes; the count of two
// calls minus that of none, halved, is one call's (kernel, driver and epilogue). Not shipped.
//
//   cmake -S . -B build-aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64.cmake
//   cmake --build build-aarch64 -j2
//   B=build-aarch64; aarch64-linux-gnu-g++ -O2 -std=c++17 -Icsrc/include -static -o /tmp/icount
//     bench/native/sparse_icount.cc -Wl,--start-group $B/libei8_core.a $B/libei8_neon.a
//     $B/libei8_dotprod.a $B/libei8_i8mm.a -Wl,--end-group -lpthread      (one command line)
//   n() { QEMU_CPU=cortex-a76 qemu-aarch64 -singlestep -d exec,nochain -D /dev/stdout
//     /tmp/icount 8 $1 4 4 dotprod | grep -c '^Trace'; }           (M = 8, 4x4 blocks, dotprod)
//   echo $(( ($(n 2) - $(n 0)) / 2 ))
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "edge_int8.h"

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: sparse_icount M calls block_r block_c isa [dense|sell]\n");
    return 1;
  }
  const size_t K = 1024, N = 256;
  const size_t M = std::strtoul(argv[1], nullptr, 10);
  const int calls = std::atoi(argv[2]);
  const uint32_t br = std::atoi(argv[3]), bc = std::atoi(argv[4]);
  ei8_set_threads(1);
  if (M == 0 || br == 0 || bc == 0 || ei8_set_isa(argv[5]) != EI8_OK) return 2;
  std::vector<int8_t> w(K * N, 0);  // [K, N]; a block is br outputs x bc consecutive k
  uint32_t s = 1;
  auto next = [&s] { return s = s * 1103515245u + 12345u; };
  for (size_t n0 = 0; n0 + br <= N; n0 += br)
    for (size_t k0 = 0; k0 + bc <= K; k0 += bc) {
      if ((next() >> 16) % 10) continue;
      for (uint32_t i = 0; i < br; ++i)
        for (uint32_t j = 0; j < bc; ++j)
          w[(k0 + j) * N + n0 + i] = static_cast<int8_t>(((s >> (i + j)) % 200 - 100) | 1);  // never 0
    }
  const int32_t zero = 0;
  ei8_sparse_options o{};
  const char* layout = argc > 6 ? argv[6] : "";
  o.format = std::strcmp(layout, "dense") == 0  ? EI8_SPARSE_DENSE
             : std::strcmp(layout, "sell") == 0 ? EI8_SPARSE_SELL
                                                : EI8_SPARSE_BSR;
  o.block_r = br;
  o.block_c = bc;
  ei8_sparse* sp = nullptr;
  if (ei8_pack_sparse(w.data(), EI8_INT8, EI8_LAYOUT_KN, K, N, &zero, nullptr, 1, &o, &sp) != EI8_OK) return 3;
  std::vector<int8_t> a(M * K);
  for (auto& x : a) x = static_cast<int8_t>(next() >> 24);
  const ei8_activations act{a.data(), EI8_INT8, M, K, K, &zero, 1};
  std::vector<int32_t> out(M * N);
  long long sum = 0;
  for (int c = 0; c < calls; ++c) {
    if (ei8_sparse_matmul_i32(&act, sp, out.data()) != EI8_OK) return 4;
    for (int32_t v : out) sum += v;
  }
  std::printf("path %s, checksum %lld\n", ei8_sparse_isa_current(), sum);
  ei8_sparse_release(sp);
  return 0;
}
