#pragma once

// LOWP_SIMD_INLINE: forced inlining for the small SIMD operations. The
// conversion kernels are large functions (one per format and rounding), and
// without it GCC stops inlining a 4x4 transpose or a narrowing store into
// them, passing vectors through memory instead.

#if defined(__GNUC__) || defined(__clang__)
#define LOWP_SIMD_INLINE [[gnu::always_inline]] inline
#else
#define LOWP_SIMD_INLINE inline
#endif
