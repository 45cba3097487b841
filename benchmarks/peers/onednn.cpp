// peer/onednn/gemm_u8s8s32/<M>x<N>x<K> and peer/onednn/sgemm/<M>x<N>x<K>:
// oneDNN's BLAS-like API (Debian libdnnl-dev), row-major, no transposition,
// alpha 1, beta 0, zero offsets (offsetc 'F' with co = 0), one thread
// (OMP_NUM_THREADS=1, set in main.cpp and handed to OpenMP below). Counters as lowp's own: OPS for
// gemm_u8s8s32, FLOPS for sgemm (2 M N K per call). oneDNN picks its kernels
// at run time; ONEDNN_MAX_CPU_ISA (e.g. AVX2) caps them.

#include "bench.hpp"

#if defined(LOWP_BENCH_ONEDNN) && LOWP_BENCH_ONEDNN

#include <dlfcn.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>

#include <benchmark/benchmark.h>
#include <oneapi/dnnl/dnnl.h>

namespace lowp_bench {

namespace {

void check(dnnl_status_t st, benchmark::State& state) {
  if (st != dnnl_success) state.SkipWithError(("oneDNN status " + std::to_string(int(st))).c_str());
}

void gemm_u8s8s32(benchmark::State& state, gemm_shape s) {
  aligned_buffer<std::uint8_t> a(s.m * s.k);
  aligned_buffer<std::int8_t> b(s.k * s.n);
  aligned_buffer<std::int32_t> c(s.m * s.n);
  std::mt19937_64 rng(1);
  for (auto& x : a.span()) x = std::uint8_t(rng());
  for (auto& x : b.span()) x = std::int8_t(rng());
  const std::int32_t co = 0;
  const auto M = dnnl_dim_t(s.m), N = dnnl_dim_t(s.n), K = dnnl_dim_t(s.k);
  for (auto _ : state) {
    check(dnnl_gemm_u8s8s32('N', 'N', 'F', M, N, K, 1.0f, a.data(), K, 0, b.data(), N, 0, 0.0f, c.data(), N, &co),
          state);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_flops(state, s, "OPS");
}

void sgemm(benchmark::State& state, gemm_shape s) {
  aligned_buffer<float> a(s.m * s.k), b(s.k * s.n), c(s.m * s.n);
  fill_gaussian(a.span(), 1);
  fill_gaussian(b.span(), 2);
  const auto M = dnnl_dim_t(s.m), N = dnnl_dim_t(s.n), K = dnnl_dim_t(s.k);
  for (auto _ : state) {
    check(dnnl_sgemm('N', 'N', M, N, K, 1.0f, a.data(), K, b.data(), N, 0.0f, c.data(), N), state);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_flops(state, s);
}

}  // namespace

void register_peer_onednn() {
  // One thread unless OMP_NUM_THREADS says otherwise: hand the count to the
  // OpenMP runtime oneDNN was built with (libgomp on Debian), if there is one.
  int threads = 1;
  if (const char* n = std::getenv("OMP_NUM_THREADS"); n != nullptr && std::atoi(n) > 0) threads = std::atoi(n);
  if (void* f = dlsym(RTLD_DEFAULT, "omp_set_num_threads"); f != nullptr)
    reinterpret_cast<void (*)(int)>(f)(threads);
  benchmark::AddCustomContext("onednn_threads", std::to_string(threads));
  for (const gemm_shape& s : int_gemm_shapes())
    benchmark::RegisterBenchmark(("peer/onednn/gemm_u8s8s32/" + s.name()).c_str(),
                                 [s](benchmark::State& st) { gemm_u8s8s32(st, s); })
        ->Unit(benchmark::kMillisecond);
  for (const gemm_shape& s : float_gemm_shapes())
    benchmark::RegisterBenchmark(("peer/onednn/sgemm/" + s.name()).c_str(),
                                 [s](benchmark::State& st) { sgemm(st, s); })
        ->Unit(benchmark::kMillisecond);
}

}  // namespace lowp_bench

#else

namespace lowp_bench {
void register_peer_onednn() {}
}  // namespace lowp_bench

#endif
