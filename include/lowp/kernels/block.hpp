#pragma once

// Block quantize and dequantize kernels of every block format, per ISA (block/).

#include "lowp/kernels/block/block.hpp"
