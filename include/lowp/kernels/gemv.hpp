#pragma once

// lowp::gemv, per ISA (gemv/).

#include "lowp/kernels/gemv/gemv.hpp"
