{
  "variables": {
    "ei8_core_sources": [
      "csrc/core/api.cc",
      "csrc/core/gemm.cc",
      "csrc/core/threadpool.cc",
      "csrc/dispatch/cpu_features.cc",
      "csrc/dispatch/registry.cc",
      "csrc/kernels/paths.cc",
      "csrc/kernels/scalar/epilogues__scalar.cc",
      "csrc/kernels/scalar/gemm_4x16c4__scalar.cc",
      "csrc/kernels/scalar/path__scalar.cc",
      "csrc/pack/pack_layout.cc",
      "csrc/ref/matmul_ref.cc",
      "csrc/ref/quantize_ref.cc"
    ],
    "ei8_napi_sources": [
      "csrc/napi/addon.cc",
      "csrc/napi/args.cc",
      "csrc/napi/matmul_napi.cc",
      "csrc/napi/packed_weights.cc",
      "csrc/napi/quantize_napi.cc"
    ],
    "ei8_common_cflags": [
      "-O3",
      "-ffp-contract=off",
      "-fno-math-errno",
      "-fvisibility=hidden",
      "-Wall",
      "-Wextra"
    ]
  }
}
