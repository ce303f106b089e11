// Tests of the formula language (sfp/formula.hpp).
#include <catch2/catch.hpp>
