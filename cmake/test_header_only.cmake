# Compiles examples/header_only.cpp with the C++ compiler alone, as a user of
# the headers would (no CMake target, no per-ISA sources):
#   CXX -std=c++20 -O2 -march=native -ffp-contract=off -I include header_only.cpp
# runs it, and requires its output ("isa <best ISA> checksum <bits>") to equal
# that of DYNAMIC, the same program built with lowp's per-ISA sources.
#
#   cmake -DCXX_COMPILER=... -DSOURCE=... -DINCLUDE_DIR=... -DWORK_DIR=...
#         -DDYNAMIC=... [-DXSIMD_INCLUDE_DIR=...] -P test_header_only.cmake

foreach(var CXX_COMPILER SOURCE INCLUDE_DIR WORK_DIR DYNAMIC)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "${var} is not set")
  endif()
endforeach()

file(MAKE_DIRECTORY "${WORK_DIR}")
set(binary "${WORK_DIR}/header_only")
set(flags -std=c++20 -O2 -march=native -ffp-contract=off "-I${INCLUDE_DIR}")
# xsimd's headers, unless they are in a directory the compiler searches anyway
# (naming /usr/include with -isystem would break #include_next in libstdc++).
foreach(dir IN LISTS XSIMD_INCLUDE_DIR)
  if(dir AND NOT dir MATCHES "^/usr(/local)?/include/?$")
    list(APPEND flags "-isystem" "${dir}")
  endif()
endforeach()
execute_process(
  COMMAND "${CXX_COMPILER}" ${flags} "${SOURCE}" -o "${binary}"
  RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "header-only build failed (${CXX_COMPILER} ${flags}):\n${err}")
endif()

execute_process(COMMAND "${binary}" RESULT_VARIABLE rc OUTPUT_VARIABLE static_out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the header-only build exited with ${rc}")
endif()
execute_process(COMMAND "${DYNAMIC}" RESULT_VARIABLE rc OUTPUT_VARIABLE dynamic_out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the build with per-ISA sources exited with ${rc}")
endif()
message(STATUS "header-only:     ${static_out}")
message(STATUS "per-ISA sources: ${dynamic_out}")
if(static_out MATCHES "^isa scalar ")
  message(FATAL_ERROR "the header-only build with -march=native fell back to isa scalar")
endif()
if(NOT static_out STREQUAL dynamic_out)
  message(FATAL_ERROR "the header-only build differs from the build with per-ISA sources")
endif()
