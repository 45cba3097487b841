// lowp_bench: registers every benchmark at run time (only for the ISAs this
// CPU has) and runs those selected by --benchmark_filter.

#include <cstdlib>

#include <benchmark/benchmark.h>

#include "bench.hpp"

int main(int argc, char** argv) {
  // Single-threaded figures are the headline (issue targets are one core):
  // oneDNN's OpenMP runtime reads this before its first parallel region;
  // OpenBLAS is pinned in register_peer_openblas. An explicit setting wins.
  setenv("OMP_NUM_THREADS", "1", 0);
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
