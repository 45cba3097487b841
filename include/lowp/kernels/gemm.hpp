#pragma once

// lowp::gemm and lowp::gemv over every operand kind, per ISA (gemm/, gemv/).

#include "lowp/kernels/gemm/gemm.hpp"
#include "lowp/kernels/gemv/gemv.hpp"
