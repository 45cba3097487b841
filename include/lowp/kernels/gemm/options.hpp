#pragma once

// Options of lowp::gemm: which variant of an engine runs. Every setting gives
// the same results (tests run each); they exist for tests and measurements,
// and are passed explicitly, call by call: lowp keeps no mutable engine state.

#include <cstddef>
#include <cstdint>

namespace lowp {

// Winograd's inner product in the integer GEMM (kernels/gemm/int8_kernel.hpp):
// chosen per CPU, always where an ISA has it, or never.
enum class winograd_form : std::uint8_t { automatic, always, never };

struct gemm_options {
  // The integer kernels may use VNNI (VPDPBUSD, VPDPWSSD) where the CPU has it.
  bool allow_vnni = true;
  winograd_form winograd = winograd_form::automatic;
  // The integer GEMM's few-rows order keeps A packed whole (per depth block)
  // up to this many rows of A and takes B in narrow column blocks; 0 runs
  // the blocked order on every shape.
  std::size_t resident_a_rows = 1024;
};

}  // namespace lowp
