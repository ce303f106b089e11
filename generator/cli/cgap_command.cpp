// `sfpgen cgap`: placeholder until the CGAP submission lands (issue 7).
#include "commands.hpp"

#include "sfp/build.hpp"

#include <iostream>

int run_cgap(const std::vector<std::string>& /*args*/) {
    std::cerr << "sfpgen cgap: not built yet\n";
    return static_cast<int>(sfp::ExitCode::usage);
}
