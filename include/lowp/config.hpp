#pragma once

// LOWP_CHECKED: bounds checks on element access in containers. On by default in
// builds without NDEBUG; define LOWP_CHECKED=1 to force them on, 0 to force off.
#ifndef LOWP_CHECKED
#ifdef NDEBUG
#define LOWP_CHECKED 0
#else
#define LOWP_CHECKED 1
#endif
#endif
