#pragma once

// The exact rounding arithmetic of the scalar reference conversions
// (core/rounding.hpp), spelled lowp::reference::decompose / ... by its users.

#include "lowp/core/rounding.hpp"

namespace lowp::reference {
using namespace ::lowp::codec;
}  // namespace lowp::reference
