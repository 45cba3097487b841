#pragma once

// Conversion kernels of every scalar format, per ISA (convert/).

#include "lowp/kernels/convert/convert.hpp"
