{
  "variables": {
    "sparse_sources": [
      "csrc/ref/sparse_ref.cc",
      "csrc/sparse/kernels_portable.cc",
      "csrc/sparse/sparse_api.cc",
      "csrc/sparse/sparse_gemm.cc",
      "csrc/sparse/sparse_pack.cc",
      "csrc/sparse/sparse_paths.cc"
    ],
    "sparse_napi_sources": [
      "csrc/napi/sparse_napi.cc"
    ],
    "sparse_sse41_sources": [
      "csrc/kernels/sse41/sparse__sse41.cc"
    ],
    "sparse_avx2_sources": [
      "csrc/kernels/avx2/sparse__avx2.cc"
    ],
    "sparse_avxvnni_sources": [
      "csrc/kernels/avxvnni/sparse__avxvnni.cc"
    ],
    "sparse_avx512vnni_sources": [
      "csrc/kernels/avx512vnni/sparse__avx512vnni.cc"
    ],
    "sparse_avx512vbmi_sources": [
      "csrc/kernels/avx512vbmi/sparse_sell__avx512vbmi.cc"
    ],
    "sparse_amx_sources": [],
    "sparse_neon_sources": [
      "csrc/kernels/neon/sparse__neon.cc"
    ],
    "sparse_dotprod_sources": [
      "csrc/kernels/dotprod/sparse__dotprod.cc"
    ],
    "sparse_i8mm_sources": []
  }
}
