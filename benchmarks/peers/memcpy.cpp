// peer/memcpy/copy/16777216: std::memcpy of 16,777,216 float32 (64 MiB), the
// memory-bandwidth yardstick for the conversion benchmarks. Same counters as
// those: items_per_second (floats) and bytes_per_second (bytes read + written).

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "bench.hpp"

namespace lowp_bench {

void register_peer_memcpy() {
  benchmark::RegisterBenchmark(("peer/memcpy/copy/" + std::to_string(convert_elements)).c_str(),
                               [](benchmark::State& state) {
                                 const std::vector<float>& in = gaussian_input();
                                 aligned_buffer<float> out(in.size());
                                 for (auto _ : state) {
                                   std::memcpy(out.data(), in.data(), in.size() * sizeof(float));
                                   benchmark::DoNotOptimize(out.data());
                                   benchmark::ClobberMemory();
                                 }
                                 const auto n = std::int64_t(in.size());
                                 state.SetItemsProcessed(std::int64_t(state.iterations()) * n);
                                 state.SetBytesProcessed(std::int64_t(state.iterations()) * 8 * n);
                               })
      ->Unit(benchmark::kMillisecond);
}

}  // namespace lowp_bench
