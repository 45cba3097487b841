#pragma once

// The subcommands of `lowp`, one family per source file; main.cpp lists them.

#include "cli.hpp"

namespace lowp::tool {

extern const command formats_command;     // formats.cpp
extern const command encode_command;      // codec.cpp
extern const command decode_command;      // codec.cpp
extern const command quantize_command;    // quantize.cpp
extern const command dequantize_command;  // quantize.cpp
extern const command error_command;       // error.cpp
extern const command report_command;      // report.cpp

}  // namespace lowp::tool
