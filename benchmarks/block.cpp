// dequant/<format>/<isa>: lowp::dequantize_blocks<format> of a 65536 x 1024
// tensor (67,108,864 elements; 256 MiB of float32 written) to float32, for
// the block formats with per-ISA kernels (lowp/kernels/block.hpp). The raw
// tensor is reference::quantize of the N(0, 1) input (16,777,216 values)
// repeated four times. Counters: items_per_second (elements),
// bytes_per_second (raw bytes read + float32 bytes written).
//
// quantize/<format>/<isa>: lowp::quantize_blocks<format> of the same 65536 x
// 1024 float32 tensor (the N(0, 1) input repeated four times) to the raw
// layout, for the formats with per-ISA quantize kernels (scalar = the
// reference). Counters: items_per_second (elements), bytes_per_second
// (float32 bytes read + raw bytes written).

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include <benchmark/benchmark.h>

#include <lowp/block/formats.hpp>
#include <lowp/isa.hpp>
#include <lowp/kernels/block.hpp>
#include <lowp/reference/block.hpp>

#include "bench.hpp"

namespace lowp_bench {

namespace {

constexpr std::size_t dequant_cols = 1024;
constexpr std::size_t dequant_repeat = 4;
constexpr std::size_t dequant_elements = dequant_repeat * convert_elements;  // 67,108,864

// The raw layout of the benchmark tensor, built once per format.
template <class BF>
const std::vector<std::uint8_t>& dequant_input() {
  static const std::vector<std::uint8_t> raw = [] {
    const std::vector<float>& x = gaussian_input();
    const std::size_t rows = x.size() / dequant_cols;
    const auto part = lowp::reference::quantize<BF>(x, rows, dequant_cols);
    std::vector<std::uint8_t> all(part.begin(), part.end());
    for (std::size_t k = 1; k < dequant_repeat; ++k)
      all.insert(all.end(), part.begin() + std::ptrdiff_t(BF::tensor_header_bytes), part.end());
    return all;
  }();
  return raw;
}

template <class BF>
void dequant(benchmark::State& state, lowp::isa which) {
  const std::vector<std::uint8_t>& raw = dequant_input<BF>();
  aligned_buffer<std::uint8_t> in(raw.size());
  std::copy(raw.begin(), raw.end(), in.data());
  aligned_buffer<float> out(dequant_elements);
  const std::size_t rows = dequant_elements / dequant_cols;
  for (auto _ : state) {
    lowp::dequantize_blocks<BF>(std::span<const std::uint8_t>(in.data(), in.size()), rows, dequant_cols, out.span(),
                                lowp::padding::none, which);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  const auto n = std::int64_t(dequant_elements);
  state.SetItemsProcessed(std::int64_t(state.iterations()) * n);
  state.SetBytesProcessed(std::int64_t(state.iterations()) * (4 * n + std::int64_t(in.size())));
}

template <class BF>
void quantize(benchmark::State& state, lowp::isa which) {
  const std::vector<float>& x = gaussian_input();
  aligned_buffer<float> in(dequant_elements);
  for (std::size_t k = 0; k < dequant_repeat; ++k) std::copy(x.begin(), x.end(), in.data() + k * x.size());
  const std::size_t rows = dequant_elements / dequant_cols;
  aligned_buffer<std::uint8_t> out(lowp::reference::raw_bytes<BF>(rows, dequant_cols));
  for (auto _ : state) {
    lowp::quantize_blocks<BF>(std::span<const float>(in.data(), dequant_elements), rows, dequant_cols,
                              std::span<std::uint8_t>(out.data(), out.size()), lowp::padding::none, which);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  const auto n = std::int64_t(dequant_elements);
  state.SetItemsProcessed(std::int64_t(state.iterations()) * n);
  state.SetBytesProcessed(std::int64_t(state.iterations()) * (4 * n + std::int64_t(out.size())));
}

}  // namespace

void register_block() {
  using formats = std::tuple<lowp::ggml_q4_0, lowp::mxfp4, lowp::ggml_mxfp4, lowp::ggml_q8_0, lowp::mxfp8_e4m3,
                             lowp::nvfp4>;
  for (lowp::isa which : lowp::all_isas) {
    if (!lowp::isa_available(which)) continue;
    const std::string isa(lowp::name(which));
    lowp::for_each_format<formats>([&]<class BF>(lowp::type_tag<BF>) {
      benchmark::RegisterBenchmark(("dequant/" + std::string(BF::name) + "/" + isa).c_str(),
                                   [which](benchmark::State& s) { dequant<BF>(s, which); })
          ->Unit(benchmark::kMillisecond);
    });
  }
  using quantize_formats =
      std::tuple<lowp::mxfp4, lowp::nvfp4, lowp::mxfp8_e4m3, lowp::ggml_q4_0, lowp::ggml_q8_0, lowp::ggml_mxfp4>;
  for (lowp::isa which : lowp::all_isas) {
    if (!lowp::isa_available(which)) continue;
    const std::string isa(lowp::name(which));
    lowp::for_each_format<quantize_formats>([&]<class BF>(lowp::type_tag<BF>) {
      benchmark::RegisterBenchmark(("quantize/" + std::string(BF::name) + "/" + isa).c_str(),
                                   [which](benchmark::State& s) { quantize<BF>(s, which); })
          ->Unit(benchmark::kMillisecond);
    });
  }
}

}  // namespace lowp_bench
