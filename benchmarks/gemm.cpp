// (stub: nothing registered yet)
#include "bench.hpp"

namespace lowp_bench {

void register_gemm() {}

}  // namespace lowp_bench
