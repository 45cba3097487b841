# lowp_add_isa_sources(<target> [SOURCE_DIR <dir>] [ISAS <isa>...])
#
# Compiles lowp's kernels into <target> once per instruction set the target
# processor family has (x86-64: scalar sse2 sse4_1 avx2 avx512bw; AArch64:
# scalar neon64; otherwise scalar), each translation unit with that ISA's
# flags, and defines LOWP_ISA_<NAME>=1 on the target so that lowp's headers
# declare those instantiations extern and lowp::best_isa() can pick among them
# at run time. Each translation unit is <dir>/<isa>.cpp when SOURCE_DIR names a
# directory holding one, else a generated file containing
#   #include <lowp/kernels/instantiate.hpp>
#   LOWP_INSTANTIATE_ISA(<isa>)
# ISAS restricts the list (scalar is always included). See docs/isa.md.
#
# lowp_add_isa_library(<name> [ISAS <isa>...])
#
# The same translation units as a static library whose users get the
# LOWP_ISA_<NAME>=1 definitions with it: several programs of one build tree
# link it instead of compiling the kernels once each.

set(LOWP_ISA_FLAGS_scalar "")
set(LOWP_ISA_FLAGS_sse2 "-msse2")
set(LOWP_ISA_FLAGS_sse4_1 "-msse2;-mssse3;-msse4.1")
set(LOWP_ISA_FLAGS_avx2 "-mavx2;-mfma;-mf16c")
# GCC 12 warns -W(maybe-)uninitialized inside its own avx512fintrin.h for xsimd's
# AVX-512 kernels; the warning is about the intrinsic headers, not lowp.
set(LOWP_ISA_FLAGS_avx512bw "-mavx512f;-mavx512cd;-mavx512dq;-mavx512bw;-mavx512vl;-mavx2;-mfma;-mf16c;$<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized;-Wno-uninitialized>")
set(LOWP_ISA_FLAGS_neon64 "")

function(lowp_isa_list out_var)
  set(isas scalar)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64|x64)$")
      list(APPEND isas sse2 sse4_1 avx2 avx512bw)
    elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
      list(APPEND isas neon64)
    endif()
  endif()
  set(${out_var} ${isas} PARENT_SCOPE)
endfunction()

function(lowp_add_isa_sources target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "SOURCE_DIR;SCOPE" "ISAS")
  if(NOT arg_SCOPE)
    set(arg_SCOPE PRIVATE)
  endif()
  lowp_isa_list(isas)
  if(arg_ISAS)
    set(wanted scalar ${arg_ISAS})
    string(REPLACE ";" "|" wanted_regex "${wanted}")
    list(FILTER isas INCLUDE REGEX "^(${wanted_regex})$")
  endif()
  foreach(isa IN LISTS isas)
    if(arg_SOURCE_DIR AND EXISTS "${arg_SOURCE_DIR}/${isa}.cpp")
      set(source "${arg_SOURCE_DIR}/${isa}.cpp")
    else()
      set(source "${CMAKE_CURRENT_BINARY_DIR}/lowp_isa/${target}/${isa}.cpp")
      file(CONFIGURE OUTPUT "${source}"
        CONTENT "#include <lowp/kernels/instantiate.hpp>\nLOWP_INSTANTIATE_ISA(${isa})\n")
    endif()
    target_sources(${target} PRIVATE "${source}")
    if(LOWP_ISA_FLAGS_${isa})
      set_source_files_properties("${source}" TARGET_DIRECTORY ${target}
        PROPERTIES COMPILE_OPTIONS "${LOWP_ISA_FLAGS_${isa}}")
    endif()
    target_compile_definitions(${target} ${arg_SCOPE} LOWP_ISA_SOURCES=1)
    string(TOUPPER "${isa}" upper)
    target_compile_definitions(${target} ${arg_SCOPE} "LOWP_ISA_${upper}=1")
  endforeach()
endfunction()

function(lowp_add_isa_library name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "ISAS")
  add_library(${name} STATIC)
  target_link_libraries(${name} PUBLIC lowp::lowp)
  lowp_add_isa_sources(${name} SCOPE PUBLIC ISAS ${arg_ISAS})
endfunction()
