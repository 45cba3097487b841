// lowp_bench: registers every benchmark at run time (only for the ISAs this
// CPU has) and runs those selected by --benchmark_filter.

#include <benchmark/benchmark.h>

#include "bench.hpp"

int main(int argc, char** argv) {
  // Figures are single-threaded: the
  // peers pin themselves to one thread when registered (libgomp reads
  // OMP_NUM_THREADS when it is loaded, before main, so setting it here would
  // not do).
  lowp_bench::register_convert();
  lowp_bench::register_block();
  lowp_bench::register_gemm();
  lowp_bench::register_gemm_int8();
  lowp_bench::register_gemv();
  lowp_bench::register_peer_memcpy();
  lowp_bench::register_peer_openblas();
  lowp_bench::register_peer_onednn();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
