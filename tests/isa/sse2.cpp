// The sse2 translation unit of lowp_tests: compiled with sse2's flags
// (cmake/lowpIsa.cmake), it holds only explicit instantiations.
#include <lowp/simd/instantiate.hpp>

LOWP_INSTANTIATE_ISA(sse2)
