// gemm/<a>x<b>/<M>x<N>x<K>/fast/<isa>: lowp::gemm with float32 C.
//   float32xfloat32 on float_gemm_shapes() (bench.hpp);
//   weight-only <w>xfloat32 at M=512, N=K=4096: activations A (M x K float32)
//   times weights stored N x K in format w (scalar formats packed, block
//   formats in their raw layout) viewed transposed, decoded while packed;
//   float8_e4m3fnxfloat8_e4m3fn at 1024^3.
// .../threads:<T>: the same on T threads (lowp::set_num_threads), wall-clock
// time. Counter FLOPS: 2 M N K per call. The peers (peer/openblas/sgemm/...) run the
// same shapes; the weight-only ratio is against sgemm on the weights already
// dequantized to float32.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include <lowp/block/formats.hpp>
#include <lowp/format/minifloat.hpp>
#include <lowp/format/intn.hpp>
#include <lowp/isa.hpp>
#include <lowp/kernels/convert.hpp>
#include <lowp/kernels/gemm.hpp>
#include <lowp/reference/block.hpp>
#include <lowp/threads.hpp>

#include "bench.hpp"

namespace lowp_bench {

namespace {

// Times C = A * B (float32 C, m x n) on `which`; counter FLOPS.
template <class VA, class VB>
void run_gemm(benchmark::State& state, const gemm_shape& s, lowp::isa which, const VA& a, const VB& b) {
  aligned_buffer<float> c(s.m * s.n);
  for (auto _ : state) {
    lowp::gemm(1.0f, a, b, 0.0f, lowp::matrix_view<float>(c.data(), s.m, s.n), which);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_flops(state, s);
}

void float_gemm(benchmark::State& state, gemm_shape s, lowp::isa which) {
  aligned_buffer<float> a(s.m * s.k), b(s.k * s.n);
  fill_gaussian(a.span(), 1);
  fill_gaussian(b.span(), 2);
  const lowp::matrix_view<const float> av(a.data(), s.m, s.k), bv(b.data(), s.k, s.n);
  run_gemm(state, s, which, av, bv);
}

// Weights of a scalar format T, stored N x K (packed when narrower than a byte).
template <class T>
void scalar_weight_gemm(benchmark::State& state, gemm_shape s, lowp::isa which) {
  aligned_buffer<float> a(s.m * s.k), w(s.n * s.k);
  fill_gaussian(a.span(), 1);
  fill_gaussian(w.span(), 2);
  aligned_buffer<std::uint8_t> wq(lowp::packed_bytes<T>(s.n * s.k));
  lowp::quantize<T>(std::span<const float>(w.data(), w.size()), lowp::packed_span<T>(wq.data(), s.n * s.k));
  using storage = std::conditional_t<lowp::detail::is_packed_v<T>, const std::uint8_t*, const T*>;
  const lowp::matrix_view<const T> wv(reinterpret_cast<storage>(wq.data()), s.n, s.k);
  const lowp::matrix_view<const float> av(a.data(), s.m, s.k);
  run_gemm(state, s, which, av, wv.transposed());
}

template <class BF>
void block_weight_gemm(benchmark::State& state, gemm_shape s, lowp::isa which) {
  aligned_buffer<float> a(s.m * s.k), w(s.n * s.k);
  fill_gaussian(a.span(), 1);
  fill_gaussian(w.span(), 2);
  const std::vector<std::uint8_t> raw =
      lowp::reference::quantize<BF>(std::span<const float>(w.data(), w.size()), s.n, s.k);
  const lowp::block_matrix_view<BF> wv(raw.data() + BF::tensor_header_bytes, s.n, s.k, lowp::padding::none,
                                       lowp::reference::stored_tensor_scale<BF>(raw));
  const lowp::matrix_view<const float> av(a.data(), s.m, s.k);
  run_gemm(state, s, which, av, wv.transposed());
}

void fp8_gemm(benchmark::State& state, gemm_shape s, lowp::isa which) {
  using T = lowp::float8_e4m3fn;
  aligned_buffer<float> x(s.m * s.k + s.k * s.n);
  fill_gaussian(x.span(), 5);
  std::vector<T> a(s.m * s.k), b(s.k * s.n);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = T(x.data()[i]);
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = T(x.data()[a.size() + i]);
  const lowp::matrix_view<const T> av(a.data(), s.m, s.k), bv(b.data(), s.k, s.n);
  run_gemm(state, s, which, av, bv);
}

}  // namespace

void register_gemm() {
  const gemm_shape weight_only{512, 4096, 4096}, fp8{1024, 1024, 1024};
  for (lowp::isa which : lowp::all_isas) {
    if (!lowp::isa_available(which)) continue;
    const std::string isa(lowp::name(which));
    const bool scalar = which == lowp::isa::scalar;
    auto add = [&](const std::string& ops, const gemm_shape& s, auto fn) {
      benchmark::RegisterBenchmark(("gemm/" + ops + "/" + s.name() + "/fast/" + isa).c_str(),
                                   [=](benchmark::State& st) { fn(st, s, which); })
          ->Unit(benchmark::kMillisecond);
    };
    for (const gemm_shape& s : float_gemm_shapes())
      if (!scalar || s.m * s.n * s.k <= 512 * 512 * 512) add("float32xfloat32", s, float_gemm);
    if (scalar) continue;
    add("float8_e4m3fnxfloat32", weight_only, scalar_weight_gemm<lowp::float8_e4m3fn>);
    add("int4xfloat32", weight_only, scalar_weight_gemm<lowp::int4>);
    add("float4_e2m1fnxfloat32", weight_only, scalar_weight_gemm<lowp::float4_e2m1fn>);
    add("mxfp4xfloat32", weight_only, block_weight_gemm<lowp::mxfp4>);
    add("ggml_q4_0xfloat32", weight_only, block_weight_gemm<lowp::ggml_q4_0>);
    add("nvfp4xfloat32", weight_only, block_weight_gemm<lowp::nvfp4>);
    add("float8_e4m3fnxfloat8_e4m3fn", fp8, fp8_gemm);
    // lowp::set_num_threads(T): wall-clock time, the other threads' work is
    // not on this thread's CPU clock.
    for (int t : gemm_thread_counts()) {
      auto add_threads = [&](const std::string& ops, const gemm_shape& s, auto fn) {
        benchmark::RegisterBenchmark(
            ("gemm/" + ops + "/" + s.name() + "/fast/" + isa + "/threads:" + std::to_string(t)).c_str(),
            [=](benchmark::State& st) {
              lowp::set_num_threads(t);
              fn(st, s, which);
              lowp::set_num_threads(1);
            })
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
      };
      add_threads("float32xfloat32", gemm_shape{2048, 2048, 2048}, float_gemm);
      add_threads("mxfp4xfloat32", weight_only, block_weight_gemm<lowp::mxfp4>);
    }
  }
}

}  // namespace lowp_bench
