// peer/openblas/sgemm/<M>x<N>x<K> and peer/openblas/sgemv/<N>x<K>: OpenBLAS
// (Debian libopenblas-dev) on the shapes lowp's gemm/gemv benchmarks use,
// pinned to one thread (names ending /threads:<T>: T threads). Counters as lowp's own: FLOPS for sgemm (2 M N K per
// call), bytes_per_second for sgemv (the 4 N K bytes of float32 weights).

#include "bench.hpp"

#if defined(LOWP_BENCH_OPENBLAS) && LOWP_BENCH_OPENBLAS

#include <cstddef>
#include <cstdint>
#include <string>

#include <benchmark/benchmark.h>
#include <cblas.h>

namespace lowp_bench {

namespace {

void sgemm(benchmark::State& state, gemm_shape s) {
  aligned_buffer<float> a(s.m * s.k), b(s.k * s.n), c(s.m * s.n);
  fill_gaussian(a.span(), 1);
  fill_gaussian(b.span(), 2);
  for (auto _ : state) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(s.m), int(s.n), int(s.k), 1.0f, a.data(), int(s.k),
                b.data(), int(s.n), 0.0f, c.data(), int(s.n));
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_flops(state, s);
}

// Weights N x K row-major (as models store them), y = W x.
void sgemv(benchmark::State& state, std::size_t n, std::size_t k) {
  aligned_buffer<float> w(n * k), x(k), y(n);
  fill_gaussian(w.span(), 3);
  fill_gaussian(x.span(), 4);
  for (auto _ : state) {
    cblas_sgemv(CblasRowMajor, CblasNoTrans, int(n), int(k), 1.0f, w.data(), int(k), x.data(), 1, 0.0f, y.data(), 1);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(4 * n * k));
}

}  // namespace

void register_peer_openblas() {
  openblas_set_num_threads(1);
  // DYNAMIC_ARCH builds pick a kernel set per CPU (OPENBLAS_CORETYPE overrides).
  benchmark::AddCustomContext("openblas_core", openblas_get_corename());
  for (const gemm_shape& s : float_gemm_shapes())
    benchmark::RegisterBenchmark(("peer/openblas/sgemm/" + s.name()).c_str(),
                                 [s](benchmark::State& st) { sgemm(st, s); })
        ->Unit(benchmark::kMillisecond);
  // The same 2048^3 sgemm on T threads, wall-clock time.
  for (int t : gemm_thread_counts())
    benchmark::RegisterBenchmark(("peer/openblas/sgemm/2048x2048x2048/threads:" + std::to_string(t)).c_str(),
                                 [t](benchmark::State& st) {
                                   openblas_set_num_threads(t);
                                   sgemm(st, gemm_shape{2048, 2048, 2048});
                                   openblas_set_num_threads(1);
                                 })
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  for (std::size_t n : gemv_sizes())
    benchmark::RegisterBenchmark(("peer/openblas/sgemv/" + std::to_string(n) + "x" + std::to_string(n)).c_str(),
                                 [n](benchmark::State& st) { sgemv(st, n, n); })
        ->Unit(benchmark::kMicrosecond);
  // The 8192^2 sgemv on T threads, wall-clock time.
  for (int t : gemm_thread_counts())
    benchmark::RegisterBenchmark(("peer/openblas/sgemv/8192x8192/threads:" + std::to_string(t)).c_str(),
                                 [t](benchmark::State& st) {
                                   openblas_set_num_threads(t);
                                   sgemv(st, 8192, 8192);
                                   openblas_set_num_threads(1);
                                 })
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime();
}

}  // namespace lowp_bench

#else

namespace lowp_bench {
void register_peer_openblas() {}
}  // namespace lowp_bench

#endif
