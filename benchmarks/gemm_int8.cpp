// gemm/<a>x<b>/<M>x<N>x<K>/fast/<isa>: lowp::gemm with int32 outputs
// (kernels/gemm/int8.hpp), row-major A (M x K) and B (K x N), alpha 1, beta 0,
// one thread (at 2048^3 also .../threads:<T> on T threads, wall-clock time).
// Shapes: int_gemm_shapes() (bench.hpp). Counter OPS: 2 M N K integer
// operations per call. isa::scalar only up to 512^3 operations' worth (it
// takes seconds at 2048).

#include <cstddef>
#include <cstdlib>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <string>

#include <benchmark/benchmark.h>

#include <lowp/isa.hpp>
#include <lowp/kernels/gemm.hpp>
#include <lowp/threads.hpp>
#include <lowp/dispatch/dispatch.hpp>

#include "bench.hpp"

namespace lowp_bench {

namespace {

template <class T>
void fill_uniform(std::span<T> v, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> d(std::numeric_limits<T>::min(), std::numeric_limits<T>::max());
  for (T& x : v) x = T(d(rng));
}

// The engine variant of every integer benchmark of this run (environment,
// read at registration: LOWP_BENCH_NO_VNNI, LOWP_BENCH_WINOGRAD).
lowp::gemm_options& bench_options() {
  static lowp::gemm_options options;
  return options;
}

template <class TA, class TB>
void gemm_int(benchmark::State& state, gemm_shape s, lowp::isa which) {
  aligned_buffer<TA> a(s.m * s.k);
  aligned_buffer<TB> b(s.k * s.n);
  aligned_buffer<std::int32_t> c(s.m * s.n);
  fill_uniform(a.span(), 1);
  fill_uniform(b.span(), 2);
  const lowp::matrix_view<const TA> av(a.data(), s.m, s.k);
  const lowp::matrix_view<const TB> bv(b.data(), s.k, s.n);
  const lowp::matrix_view<std::int32_t> cv(c.data(), s.m, s.n);
  for (auto _ : state) {
    lowp::gemm(std::int32_t(1), av, bv, std::int32_t(0), cv, which, bench_options());
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_flops(state, s, "OPS");
}

template <class TA, class TB>
void register_pair() {
  for (lowp::isa which : lowp::all_isas) {
    if (!lowp::isa_available(which)) continue;
    for (const gemm_shape& s : int_gemm_shapes()) {
      if (which == lowp::isa::scalar && s.m * s.n * s.k > 512 * 512 * 512) continue;
      const std::string name = "gemm/" + std::string(lowp::element_name<TA>()) + "x" +
                               std::string(lowp::element_name<TB>()) + "/" + s.name() + "/fast/" +
                               std::string(lowp::name(which));
      benchmark::RegisterBenchmark(name.c_str(), [s, which](benchmark::State& st) { gemm_int<TA, TB>(st, s, which); })
          ->Unit(benchmark::kMillisecond);
      if (which == lowp::isa::scalar || s.m < 2048) continue;
      for (int t : gemm_thread_counts())
        benchmark::RegisterBenchmark((name + "/threads:" + std::to_string(t)).c_str(),
                                     [s, which, t](benchmark::State& st) {
                                       lowp::set_num_threads(t);
                                       gemm_int<TA, TB>(st, s, which);
                                       lowp::set_num_threads(1);
                                     })
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
    }
  }
}

}  // namespace

void register_gemm_int8() {
  // LOWP_BENCH_NO_VNNI=1: the avx2 and avx512bw kernels without VNNI.
  if (const char* v = std::getenv("LOWP_BENCH_NO_VNNI"); v != nullptr && v[0] == '1')
    bench_options().allow_vnni = false;
  // LOWP_BENCH_WINOGRAD=0 or 1: the avx2 kernel without VNNI in the direct
  // or in Winograd's form (default: the automatic choice).
  if (const char* v = std::getenv("LOWP_BENCH_WINOGRAD"); v != nullptr && (v[0] == '0' || v[0] == '1'))
    bench_options().winograd = v[0] == '1' ? lowp::winograd_form::always : lowp::winograd_form::never;
  register_pair<std::uint8_t, std::int8_t>();
  register_pair<std::int8_t, std::int8_t>();
}

}  // namespace lowp_bench
