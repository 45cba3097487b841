// (stub: nothing registered yet)
#include "bench.hpp"

namespace lowp_bench {

void register_gemv() {}

}  // namespace lowp_bench
