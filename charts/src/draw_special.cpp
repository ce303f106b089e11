#include "draw_internal.hpp"

// Bullet, range, donut, dimension bars and radar charts (issue 5): see draw_internal.hpp.
