// convert/encode/<format>/<isa>: float32 -> format (nearest_even, saturate)
// convert/encode_stochastic/<format>/<isa>: the same with stochastic rounding
// convert/decode/<format>/<isa>: format -> float32
// over convert_elements N(0, 1) values (decode: their codes). Counters:
// items_per_second (elements), bytes_per_second (bytes read + written).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include <lowp/reference/convert.hpp>
#include <lowp/format/formats.hpp>
#include <lowp/isa.hpp>
#include <lowp/kernels/convert.hpp>

#include "bench.hpp"

namespace lowp_bench {

namespace {

template <class T>
void encode(benchmark::State& state, lowp::isa which, lowp::rounding r) {
  const std::vector<float>& in = gaussian_input();
  aligned_buffer<std::uint8_t> out(lowp::packed_bytes<T>(in.size()));
  const lowp::packed_span<T> codes(out.data(), in.size());
  for (auto _ : state) {
    lowp::quantize(std::span<const float>(in), codes, r, lowp::overflow::saturate, 42, 0, which);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  const auto n = std::int64_t(in.size());
  state.SetItemsProcessed(std::int64_t(state.iterations()) * n);
  state.SetBytesProcessed(std::int64_t(state.iterations()) * (4 * n + std::int64_t(out.size())));
}

template <class T>
void decode(benchmark::State& state, lowp::isa which) {
  const std::vector<float>& values = gaussian_input();
  aligned_buffer<std::uint8_t> in(lowp::packed_bytes<T>(values.size()));
  lowp::quantize(std::span<const float>(values), lowp::packed_span<T>(in.data(), values.size()));
  aligned_buffer<float> out(values.size());
  const lowp::packed_span<const T> codes(in.data(), values.size());
  for (auto _ : state) {
    lowp::dequantize(codes, out.span(), which);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  const auto n = std::int64_t(values.size());
  state.SetItemsProcessed(std::int64_t(state.iterations()) * n);
  state.SetBytesProcessed(std::int64_t(state.iterations()) * (4 * n + std::int64_t(in.size())));
}

}  // namespace

void register_convert() {
  for (lowp::isa which : lowp::all_isas) {
    if (!lowp::isa_available(which)) continue;
    const std::string isa(lowp::name(which));
    lowp::for_each_format<lowp::scalar_formats>([&]<class T>(lowp::type_tag<T>) {
      const std::string format = T::name;
      benchmark::RegisterBenchmark(("convert/encode/" + format + "/" + isa).c_str(), [which](benchmark::State& s) {
        encode<T>(s, which, lowp::rounding::nearest_even);
      })->Unit(benchmark::kMillisecond);
      benchmark::RegisterBenchmark(("convert/encode_stochastic/" + format + "/" + isa).c_str(),
                                   [which](benchmark::State& s) { encode<T>(s, which, lowp::rounding::stochastic); })
          ->Unit(benchmark::kMillisecond);
      benchmark::RegisterBenchmark(("convert/decode/" + format + "/" + isa).c_str(),
                                   [which](benchmark::State& s) { decode<T>(s, which); })
          ->Unit(benchmark::kMillisecond);
    });
  }
}

}  // namespace lowp_bench
