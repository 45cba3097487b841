#pragma once

// The scalar reference conversions between double and every scalar format:
// the formats' own exact codec (format/codec.hpp). It is the oracle that
// every SIMD conversion path is compared with, bit for bit, and is spelled
// lowp::reference::encode / decode / ... in the kernels and tests.

#include "lowp/format/codec.hpp"

namespace lowp::reference {
using namespace ::lowp::codec;
}  // namespace lowp::reference
