# Installs lowp from LOWP_BUILD_DIR into a fresh prefix under WORK_DIR, then
# configures, builds and runs examples/install_consumer against that prefix.
#
#   cmake -DLOWP_BUILD_DIR=... -DCONSUMER_SOURCE_DIR=... -DWORK_DIR=...
#         -DEXPECTED_VERSION=... -DGENERATOR=... [-DMAKE_PROGRAM=...]
#         [-DCXX_COMPILER=...] -P test_install_consumer.cmake

foreach(var LOWP_BUILD_DIR CONSUMER_SOURCE_DIR WORK_DIR EXPECTED_VERSION GENERATOR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "${var} is not set")
  endif()
endforeach()

set(prefix "${WORK_DIR}/prefix")
set(build "${WORK_DIR}/build")
file(REMOVE_RECURSE "${WORK_DIR}")

# Only the library's component: installing it needs nothing to be built.
execute_process(
  COMMAND "${CMAKE_COMMAND}" --install "${LOWP_BUILD_DIR}" --prefix "${prefix}" --component lowp
  COMMAND_ERROR_IS_FATAL ANY)

set(configure_args -S "${CONSUMER_SOURCE_DIR}" -B "${build}" -G "${GENERATOR}"
  "-DCMAKE_PREFIX_PATH=${prefix}" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
if(MAKE_PROGRAM)
  list(APPEND configure_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
if(CXX_COMPILER)
  list(APPEND configure_args "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" ${configure_args} COMMAND_ERROR_IS_FATAL ANY)

file(STRINGS "${build}/CMakeCache.txt" lowp_dir_line REGEX "^lowp_DIR:")
string(REGEX REPLACE "^lowp_DIR:[A-Z]+=" "" lowp_dir "${lowp_dir_line}")
cmake_path(IS_PREFIX prefix "${lowp_dir}" NORMALIZE from_prefix)
if(NOT from_prefix)
  message(FATAL_ERROR "lowp was found in '${lowp_dir}', not in the test prefix '${prefix}'")
endif()

execute_process(COMMAND "${CMAKE_COMMAND}" --build "${build}" COMMAND_ERROR_IS_FATAL ANY)

execute_process(COMMAND "${build}/lowp_install_consumer"
  OUTPUT_VARIABLE output
  COMMAND_ERROR_IS_FATAL ANY)
message(STATUS "consumer printed: ${output}")
string(FIND "${output}" "${EXPECTED_VERSION}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "expected the consumer to print version ${EXPECTED_VERSION}")
endif()
