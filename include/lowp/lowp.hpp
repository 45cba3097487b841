#pragma once

// lowp: low-precision arithmetic. Umbrella header.

#include "lowp/version.hpp"
#include "lowp/config.hpp"
#include "lowp/error.hpp"
#include "lowp/threads.hpp"
#include "lowp/core/bit_width.hpp"
#include "lowp/core/concepts.hpp"
#include "lowp/core/policy.hpp"
#include "lowp/core/rng.hpp"
#include "lowp/format/minifloat.hpp"
#include "lowp/format/intn.hpp"
#include "lowp/format/convert.hpp"
#include "lowp/format/limits.hpp"
#include "lowp/format/formats.hpp"
#include "lowp/container/packed_span.hpp"
#include "lowp/container/packed_array.hpp"
