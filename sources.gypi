{
  "variables": {
    "core_sources": [
      "csrc/core/api.cc",
      "csrc/core/dynamic_quant.cc",
      "csrc/core/gemm.cc",
      "csrc/core/probe.cc",
      "csrc/core/requant_setup.cc",
      "csrc/core/threadpool.cc",
      "csrc/dispatch/cpu_features.cc",
      "csrc/dispatch/registry.cc",
      "csrc/kernels/paths.cc",
      "csrc/kernels/paths_x86.cc",
      "csrc/kernels/scalar/epilogues__scalar.cc",
      "csrc/kernels/scalar/gemm_4x16c4__scalar.cc",
      "csrc/kernels/scalar/path__scalar.cc",
      "csrc/kernels/scalar/quantize__scalar.cc",
      "csrc/pack/pack_layout.cc",
      "csrc/ref/matmul_ref.cc",
      "csrc/ref/quantize_ref.cc"
    ],
    "core_napi_sources": [
      "csrc/napi/addon.cc",
      "csrc/napi/args.cc",
      "csrc/napi/glibc_compat.cc",
      "csrc/napi/matmul_napi.cc",
      "csrc/napi/packed_weights.cc",
      "csrc/napi/quantize_napi.cc",
      "csrc/napi/weights_table.cc"
    ],
    "core_sse41_sources": [
      "csrc/kernels/sse41/gemm_1x16c4__sse41_widen.cc",
      "csrc/kernels/sse41/gemm_2x16c4__sse41.cc",
      "csrc/kernels/sse41/gemm_groups__sse41.cc",
      "csrc/kernels/sse41/path__sse41.cc",
      "csrc/kernels/sse41/peak__sse41.cc"
    ],
    "core_avx2_sources": [
      "csrc/kernels/avx2/epilogues__avx2.cc",
      "csrc/kernels/avx2/gemm_2x16c4__avx2_widen.cc",
      "csrc/kernels/avx2/gemm_4x16c4__avx2.cc",
      "csrc/kernels/avx2/gemm_groups__avx2.cc",
      "csrc/kernels/avx2/gemv_1x16c4__avx2.cc",
      "csrc/kernels/avx2/path__avx2.cc",
      "csrc/kernels/avx2/peak__avx2.cc",
      "csrc/kernels/avx2/quantize__avx2.cc"
    ],
    "core_avxvnni_sources": [
      "csrc/kernels/avxvnni/gemm_6x16c4__avxvnni.cc",
      "csrc/kernels/avxvnni/gemm_groups__avxvnni.cc",
      "csrc/kernels/avxvnni/gemv_2x16c4__avxvnni.cc",
      "csrc/kernels/avxvnni/path__avxvnni.cc",
      "csrc/kernels/avxvnni/peak__avxvnni.cc"
    ],
    "core_avx512vnni_sources": [
      "csrc/kernels/avx512vnni/epilogues__avx512.cc",
      "csrc/kernels/avx512vnni/gemm_6x64c4__avx512vnni.cc",
      "csrc/kernels/avx512vnni/gemv_2x64c4__avx512vnni.cc",
      "csrc/kernels/avx512vnni/path__avx512vnni.cc",
      "csrc/kernels/avx512vnni/peak__avx512vnni.cc",
      "csrc/kernels/avx512vnni/quantize__avx512.cc"
    ],
    "core_amx_sources": [
      "csrc/kernels/amx/gemm_16x64c4__amx.cc",
      "csrc/kernels/amx/path__amx.cc"
    ],
    "core_neon_sources": [],
    "core_dotprod_sources": [],
    "core_i8mm_sources": [],
    "common_cflags": [
      "-O3",
      "-ffp-contract=off",
      "-fno-math-errno",
      "-fvisibility=hidden",
      "-Wall",
      "-Wextra"
    ],
    "isa_sse41_cflags": [
      "-msse4.1"
    ],
    "isa_avx2_cflags": [
      "-mavx2",
      "-mfma"
    ],
    "isa_avxvnni_cflags": [
      "-mavx2",
      "-mfma",
      "-mavxvnni"
    ],
    "isa_avx512vnni_cflags": [
      "-mavx512f",
      "-mavx512bw",
      "-mavx512vl",
      "-mavx512dq",
      "-mavx512vnni",
      "-mfma",
      "-Wno-maybe-uninitialized"
    ],
    "isa_avx512vbmi_cflags": [
      "-mavx512f",
      "-mavx512bw",
      "-mavx512vl",
      "-mavx512dq",
      "-mavx512vnni",
      "-mavx512vbmi",
      "-Wno-maybe-uninitialized"
    ],
    "isa_amx_cflags": [
      "-mavx512f",
      "-mavx512bw",
      "-mavx512vl",
      "-mavx512dq",
      "-mavx512vnni",
      "-mfma",
      "-mamx-tile",
      "-mamx-int8",
      "-Wno-maybe-uninitialized"
    ]
  }
}
