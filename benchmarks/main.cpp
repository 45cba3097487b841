// lowp_bench: registers every benchmark at run time (only for the ISAs this
// CPU has) and runs those selected by --benchmark_filter.

#include <benchmark/benchmark.h>

#include "bench.hpp"

int main(int argc, char** argv) {
  lowp_bench::register_convert();
  lowp_bench::register_block();
  lowp_bench::register_peer_memcpy();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
