#pragma once

// Instruction-set selection for the SIMD kernels (docs/isa.md).
//
// lowp::isa names the instruction sets kernels are compiled for
// (dispatch/isa.hpp). best_isa() is the best one that is both compiled into
// this program and supported by the running CPU (dispatch/dispatch.hpp); a
// caller may force another with require_isa(), which throws lowp::error
// naming the ISA when it cannot run.

#include "lowp/dispatch/dispatch.hpp"
#include "lowp/dispatch/isa.hpp"
