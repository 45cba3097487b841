// The avx2 translation unit of lowp_tests: compiled with avx2's flags
// (cmake/lowpIsa.cmake), it holds only explicit instantiations.
#include <lowp/simd/instantiate.hpp>

LOWP_INSTANTIATE_ISA(avx2)
