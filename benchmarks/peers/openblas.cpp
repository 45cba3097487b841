// (stub: nothing registered yet)
#include "bench.hpp"

namespace lowp_bench {

void register_peer_openblas() {}

}  // namespace lowp_bench
