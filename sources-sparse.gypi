{
  "variables": {
    "sparse_sources": [],
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
