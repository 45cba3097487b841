// (stub: nothing registered yet)
#include "bench.hpp"

namespace lowp_bench {

void register_gemm_int8() {}

}  // namespace lowp_bench
