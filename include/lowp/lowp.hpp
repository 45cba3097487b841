#pragma once

// lowp: low-precision arithmetic. The umbrella header: the whole public
// library, layer by layer (docs/architecture.md). Kernels dispatch
// statically on the compiler's ISA flags unless the program compiles lowp's
// per-ISA sources (dispatch/isa.hpp).

#include "lowp/version.hpp"
#include "lowp/config.hpp"
#include "lowp/error.hpp"
#include "lowp/threads.hpp"

// core: widths, concepts, policies, rounding, counter-based RNG
#include "lowp/core/bit_width.hpp"
#include "lowp/core/concepts.hpp"
#include "lowp/core/policy.hpp"
#include "lowp/core/rng.hpp"
#include "lowp/core/rounding.hpp"

// formats: scalar types, their codec, limits and conversions
#include "lowp/format/minifloat.hpp"
#include "lowp/format/intn.hpp"
#include "lowp/format/codec.hpp"
#include "lowp/format/convert.hpp"
#include "lowp/format/element.hpp"
#include "lowp/format/limits.hpp"
#include "lowp/format/formats.hpp"

// containers and block formats
#include "lowp/container/packed_span.hpp"
#include "lowp/container/packed_array.hpp"
#include "lowp/container/matrix_view.hpp"
#include "lowp/block/formats.hpp"
#include "lowp/block/block_tensor.hpp"
#include "lowp/block/block_matrix_view.hpp"
#include "lowp/block/row_interleaved.hpp"

// datapaths, ISA selection, kernels
#include "lowp/datapath/datapath.hpp"
#include "lowp/isa.hpp"
#include "lowp/kernels/convert.hpp"
#include "lowp/kernels/block.hpp"
#include "lowp/kernels/gemm.hpp"

// scalar references (the oracles of the kernels) and accuracy metrics
#include "lowp/reference/convert.hpp"
#include "lowp/reference/convert_bulk.hpp"
#include "lowp/reference/block.hpp"
#include "lowp/reference/gemv.hpp"
#include "lowp/quant/metrics.hpp"
// The exact references need Boost.Multiprecision (a header-only dependency).
#if __has_include(<boost/multiprecision/cpp_int.hpp>)
#include "lowp/quant/exact.hpp"
#include "lowp/reference/gemm.hpp"
#endif

// files
#include "lowp/io/file.hpp"
#include "lowp/io/npy.hpp"
#include "lowp/io/safetensors.hpp"
