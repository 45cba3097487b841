// The neon64 translation unit of lowp_tests: compiled with neon64's flags
// (cmake/lowpIsa.cmake), it holds only explicit instantiations.
#include <lowp/simd/instantiate.hpp>

LOWP_INSTANTIATE_ISA(neon64)
