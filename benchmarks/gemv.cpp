// gemv/<weights>/<N>x<K>/<isa>: lowp::gemv, y = W x with W stored N x K (as
// models store weights; 8192 x 8192 is larger than the last-level cache, so
// the weights stream from memory every call) and one activation vector x:
//   <format>xint8          4-bit block weights x int8 activations in ggml_q8_0
//                          blocks (quantized once, outside the timed loop)
//   <format>xint8_dynamic  the same with float32 x quantized per block of 32
//                          inside the timed loop (gemv_options::quantize_x)
//   <format>_r8xint8       the same weights repacked once, outside the timed
//                          loop, into lowp::row_interleaved (8 rows
//                          interleaved; "_r8" is ik_llama.cpp's suffix for
//                          its 8-row repacked types, e.g. q4_0_r8)
//   <format>_r8xint8_dynamic  the same with per-block dynamic quantization
//   <format>xfloat32       weight-only: block weights x float32 x
//   float32xfloat32        float32 weights, row-major
// for N = K in gemv_sizes() on every available ISA; ISAs without their own
// GEMV kernels (scalar, sse2, sse4_1, neon64) run only 1024 x 1024. Counter:
// bytes_per_second = weight bytes per call (the raw block bytes, the same
// for the interleaved layout when 8 divides N; 4 N K for float32). The
// block weights are random element bytes with in-range scales (the
// kernels' speed does not depend on the values). At 8192 x 8192 on avx2 and
// avx512bw, ggml_q4_0 (int8, _r8 int8, float32 activations) and float32 also
// run on T threads: names ending /threads:<T>, wall-clock time.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include <lowp/block/block_matrix_view.hpp>
#include <lowp/block/formats.hpp>
#include <lowp/block/row_interleaved.hpp>
#include <lowp/container/matrix_view.hpp>
#include <lowp/isa.hpp>
#include <lowp/kernels/gemm.hpp>
#include <lowp/reference/block.hpp>
#include <lowp/threads.hpp>

#include "bench.hpp"

namespace lowp_bench {

namespace {

// Random element bytes; scales 2^-6 (float16 0x2400, E8M0 121 = 2^-6).
template <class BF>
void fill_weights(std::uint8_t* raw, std::size_t bytes) {
  std::mt19937_64 rng(11);
  for (std::size_t i = 0; i + 8 <= bytes; i += 8) {
    const std::uint64_t v = rng();
    for (int b = 0; b < 8; ++b) raw[i + std::size_t(b)] = std::uint8_t(v >> (8 * b));
  }
  for (std::size_t b = 0; b < bytes / BF::bytes_per_block; ++b) {
    std::uint8_t* p = raw + b * BF::bytes_per_block;
    if constexpr (BF::scale_bytes == 2) {
      p[0] = 0x00;
      p[1] = 0x24;
    } else {
      p[0] = 121;
    }
  }
}

enum class activations { int8, int8_dynamic, float32 };

template <class BF>
void block_gemv(benchmark::State& state, std::size_t n, std::size_t k, activations act, lowp::isa which) {
  const std::size_t bytes = lowp::reference::raw_bytes<BF>(n, k);
  aligned_buffer<std::uint8_t> w(bytes);
  fill_weights<BF>(w.data(), bytes);
  const lowp::block_matrix_view<BF> wv(w.data(), n, k, lowp::padding::none);
  aligned_buffer<float> x(k), y(n);
  fill_gaussian(x.span(), 4);
  const std::vector<std::uint8_t> xq = lowp::reference::quantize<lowp::ggml_q8_0>(x.span(), 1, k);
  const lowp::block_matrix_view<lowp::ggml_q8_0> xv(xq.data(), 1, k, lowp::padding::none);
  const lowp::gemv_options dynamic{lowp::activation_quantization::per_block};
  for (auto _ : state) {
    switch (act) {
      case activations::int8: lowp::gemv(1.0f, wv, xv, 0.0f, y.data(), n, which); break;
      case activations::int8_dynamic: lowp::gemv(1.0f, wv, x.data(), k, 0.0f, y.data(), n, dynamic, which); break;
      case activations::float32: lowp::gemv(1.0f, wv, x.data(), k, 0.0f, y.data(), n, which); break;
    }
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(bytes));
}

template <class BF>
void interleaved_gemv(benchmark::State& state, std::size_t n, std::size_t k, activations act, lowp::isa which) {
  const std::size_t bytes = lowp::reference::raw_bytes<BF>(n, k);
  aligned_buffer<std::uint8_t> w(bytes);
  fill_weights<BF>(w.data(), bytes);
  const lowp::row_interleaved<BF> wi =
      lowp::interleave_rows(lowp::block_matrix_view<BF>(w.data(), n, k, lowp::padding::none));
  aligned_buffer<float> x(k), y(n);
  fill_gaussian(x.span(), 4);
  const std::vector<std::uint8_t> xq = lowp::reference::quantize<lowp::ggml_q8_0>(x.span(), 1, k);
  const lowp::block_matrix_view<lowp::ggml_q8_0> xv(xq.data(), 1, k, lowp::padding::none);
  const lowp::gemv_options dynamic{lowp::activation_quantization::per_block};
  for (auto _ : state) {
    if (act == activations::int8) lowp::gemv(1.0f, wi, xv, 0.0f, y.data(), n, which);
    else lowp::gemv(1.0f, wi, x.data(), k, 0.0f, y.data(), n, dynamic, which);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(wi.size_bytes()));
}

void float_gemv(benchmark::State& state, std::size_t n, std::size_t k, lowp::isa which) {
  aligned_buffer<float> a(n * k), x(k), y(n);
  fill_gaussian(a.span(), 3);
  fill_gaussian(x.span(), 4);
  for (auto _ : state) {
    lowp::gemv(1.0f, lowp::matrix_view<const float>(a.data(), n, k), x.data(), k, 0.0f, y.data(), n, which);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(4 * n * k));
}

bool has_gemv_kernels(lowp::isa which) { return which == lowp::isa::avx2 || which == lowp::isa::avx512bw; }

}  // namespace

void register_gemv() {
  for (lowp::isa which : lowp::all_isas) {
    if (!lowp::isa_available(which)) continue;
    const std::string isa(lowp::name(which));
    for (std::size_t size : gemv_sizes()) {
      if (!has_gemv_kernels(which) && size != 1024) continue;
      const std::string shape = std::to_string(size) + "x" + std::to_string(size);
      auto add = [&](const std::string& weights, auto fn) {
        benchmark::RegisterBenchmark(("gemv/" + weights + "/" + shape + "/" + isa).c_str(), fn)
            ->Unit(benchmark::kMicrosecond);
      };
      add("ggml_q4_0xint8", [=](benchmark::State& s) {
        block_gemv<lowp::ggml_q4_0>(s, size, size, activations::int8, which);
      });
      add("mxfp4xint8", [=](benchmark::State& s) { block_gemv<lowp::mxfp4>(s, size, size, activations::int8, which); });
      add("int4_g128xint8", [=](benchmark::State& s) {
        block_gemv<lowp::int4_g128>(s, size, size, activations::int8, which);
      });
      add("ggml_q4_0xint8_dynamic", [=](benchmark::State& s) {
        block_gemv<lowp::ggml_q4_0>(s, size, size, activations::int8_dynamic, which);
      });
      add("ggml_q4_0_r8xint8", [=](benchmark::State& s) {
        interleaved_gemv<lowp::ggml_q4_0>(s, size, size, activations::int8, which);
      });
      add("mxfp4_r8xint8", [=](benchmark::State& s) {
        interleaved_gemv<lowp::mxfp4>(s, size, size, activations::int8, which);
      });
      add("int4_g128_r8xint8", [=](benchmark::State& s) {
        interleaved_gemv<lowp::int4_g128>(s, size, size, activations::int8, which);
      });
      add("ggml_q4_0_r8xint8_dynamic", [=](benchmark::State& s) {
        interleaved_gemv<lowp::ggml_q4_0>(s, size, size, activations::int8_dynamic, which);
      });
      add("ggml_q4_0xfloat32", [=](benchmark::State& s) {
        block_gemv<lowp::ggml_q4_0>(s, size, size, activations::float32, which);
      });
      add("float32xfloat32", [=](benchmark::State& s) { float_gemv(s, size, size, which); });
      if (!has_gemv_kernels(which) || size != 8192) continue;
      // The same on T threads (lowp::set_num_threads), wall-clock time.
      for (int t : gemm_thread_counts()) {
        auto add_threads = [&](const std::string& weights, auto fn) {
          benchmark::RegisterBenchmark(
              ("gemv/" + weights + "/" + shape + "/" + isa + "/threads:" + std::to_string(t)).c_str(),
              [fn, t](benchmark::State& s) {
                lowp::set_num_threads(t);
                fn(s);
                lowp::set_num_threads(1);
              })
              ->Unit(benchmark::kMicrosecond)
              ->UseRealTime();
        };
        add_threads("ggml_q4_0xint8", [=](benchmark::State& s) {
          block_gemv<lowp::ggml_q4_0>(s, size, size, activations::int8, which);
        });
        add_threads("ggml_q4_0_r8xint8", [=](benchmark::State& s) {
          interleaved_gemv<lowp::ggml_q4_0>(s, size, size, activations::int8, which);
        });
        add_threads("ggml_q4_0xfloat32", [=](benchmark::State& s) {
          block_gemv<lowp::ggml_q4_0>(s, size, size, activations::float32, which);
        });
        add_threads("float32xfloat32", [=](benchmark::State& s) { float_gemv(s, size, size, which); });
      }
    }
  }
}

}  // namespace lowp_bench
