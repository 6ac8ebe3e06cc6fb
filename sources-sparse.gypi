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
    "sparse_napi_sources": [],
    "sparse_avx2_sources": [],
    "sparse_avxvnni_sources": [],
    "sparse_avx512vnni_sources": [],
    "sparse_amx_sources": [],
    "sparse_neon_sources": [],
    "sparse_dotprod_sources": [],
    "sparse_i8mm_sources": []
  }
}
