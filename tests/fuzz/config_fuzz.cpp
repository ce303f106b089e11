// config_fuzz: libFuzzer target for the report configuration binder (sfp/config.hpp) and the
// catalogue additions a configuration may hold (extend_catalogue, sfp/catalogue.hpp).
//
// Each input is written as report.toml in a scratch folder (parse_config reads a path, as the
// command line does) and read by parse_config, then by extend_catalogue on a copy of the
// standard catalogue. Checked:
//   - no crash, sanitizer report or exception: every mistake is a diagnostic;
//   - parse_config returns a spec iff it reported no error, extend_catalogue true iff no error;
//   - every diagnostic names report.toml at a line of it, has a message, is valid UTF-8;
//   - a spec that parses is usable: sources have a name and a path, mapped columns name
//     canonical fields, engine_options and bind_indicators run on it; an extended catalogue has
//     every formula bound (no unresolved name left).
// Built by the `fuzz` preset (clang++-14); config_fuzz_replay runs the corpus under ctest.

#include "fuzz_support.hpp"
#include "sfp/catalogue.hpp"
#include "sfp/config.hpp"
#include "sfp/fields.hpp"
#include "sfp/indicators.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

using sfp::fuzz::expect;
using sfp::fuzz::standard_catalogue;

void check_spec(const sfp::ReportSpec& spec, const sfp::Catalogue& catalogue) {
    for (const auto& source : spec.sources) {
        expect(!source.path.empty(), "a parsed source has a path");
        for (const auto& column : source.columns) {
            expect(sfp::find_field(column.field) != nullptr, "a mapping names a canonical field",
                   column.field);
        }
    }
    expect(spec.indicators.size() == spec.indicator_pos.size(),
           "every indicator id has its position");
    const sfp::EngineOptions options = sfp::engine_options(spec);
    expect(!options.groupings.empty(), "the engine options have a grouping");
    sfp::Diagnostics diagnostics;
    (void)sfp::bind_indicators(spec, catalogue, diagnostics);
}

void check_bound(const sfp::formula::Expression& expression) {
    for (const auto& node : expression.nodes) {
        expect(node.op != sfp::formula::Op::name, "every name of a bound formula is resolved",
               expression.text);
    }
}

} // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    const std::string path = (sfp::fuzz::scratch() / "report.toml").string();
    sfp::fuzz::write_file(path, input);
    const long lines = sfp::fuzz::line_count(input);

    sfp::Diagnostics diagnostics;
    const auto spec = sfp::parse_config(path, diagnostics);
    expect(spec.has_value() != diagnostics.has_errors(),
           "parse_config gives a spec iff it reported no error");
    sfp::fuzz::check_diagnostics(diagnostics, 0, path, lines);
    if (spec) {
        expect(spec->config_path == path, "the spec remembers its file");
        check_spec(*spec, standard_catalogue());
    }

    sfp::Catalogue catalogue = standard_catalogue();
    sfp::Diagnostics extend;
    const bool extended = sfp::extend_catalogue(catalogue, path, extend);
    expect(extended != extend.has_errors(), "extend_catalogue is true iff it reported no error");
    sfp::fuzz::check_diagnostics(extend, 0, path, lines);
    if (extended) {
        for (const auto& def : catalogue.indicators) {
            check_bound(def.formula);
        }
        for (const auto& def : catalogue.derived) {
            check_bound(def.formula);
        }
    }
    return 0;
}
