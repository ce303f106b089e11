#include "charts/labels.hpp"

// Label placement (issue 5): see charts/labels.hpp.
