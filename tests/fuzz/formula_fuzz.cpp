// formula_fuzz: libFuzzer target for the indicator formula language (sfp/formula.hpp) and its
// evaluation by the indicator engine (institution_values, sfp/indicators.hpp).
//
// Each input is a formula text. Checked:
//   - formula::parse never crashes, however deep the nesting ("((((...))))", "- - - -1",
//     "1+1+...+1"): it gives an expression or exactly one error at a position of the text;
//   - a parsed expression is well formed (children before parents, offsets in the text) and
//     prints back (formula::to_string) to a text that parses to the same print;
//   - when the text is valid UTF-8, it becomes a [[derived]] quantity "fuzz_value" of a
//     catalogue addition (as a report configuration would write it) and extend_catalogue binds
//     it or reports why not, at the file's position; a formula that names fuzz_value itself
//     must be refused as a cycle;
//   - when it binds, the engine evaluates it on a small fixed panel (three records with
//     zeros, missing values and a previous year) twice with the same result, and, for the
//     operations a plain scalar evaluator written here covers, with the same values and
//     reasons as that reference (missing input, zero denominator).
// Built by the `fuzz` preset (clang++-14); formula_fuzz_replay runs the corpus under ctest.

#include "fuzz_support.hpp"
#include "sfp/catalogue.hpp"
#include "sfp/dataset.hpp"
#include "sfp/formula.hpp"
#include "sfp/indicators.hpp"
#include "sfp/reference_series.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

using sfp::fuzz::expect;
using sfp::fuzz::standard_catalogue;
namespace formula = sfp::formula;
using formula::Op;

// ---- The fixed panel -----------------------------------------------------------------------

using Cells = std::vector<std::optional<double>>;

/// MFI-A in 2022 and 2023 (a previous year for prev() and avg()), MFI-B in 2023; USD, 12-month
/// periods, so the engine uses the values as written. Zeros make zero denominators; nullopt
/// cells are missing; fields not listed are missing everywhere.
const std::map<std::string, Cells>& panel_fields() {
    static const std::map<std::string, Cells> fields{
        {"gross_loan_portfolio", {800000, 1000000, 0}}, {"par30_balance", {40000, 0, std::nullopt}},
        {"total_assets", {1000000, 1200000, 500000}},   {"total_equity", {300000, 400000, -20000}},
        {"fin_revenue", {250000, 300000, 90000}},       {"opex", {std::nullopt, 150000, 60000}},
        {"active_borrowers", {1500, 2000, 0}},          {"deposits", {0, 0, 0}},
    };
    return fields;
}

const std::vector<int>& panel_years() {
    static const std::vector<int> years{2022, 2023, 2023};
    return years;
}

sfp::Dataset panel() {
    sfp::Dataset data;
    const std::vector<std::string> ids{"MFI-A", "MFI-A", "MFI-B"};
    for (std::size_t r = 0; r < ids.size(); ++r) {
        data.institution_id.push_back(ids[r]);
        data.institution_name.push_back(ids[r]);
        data.country_iso3.push_back("KEN");
        data.region.push_back("Africa");
        data.currency.push_back("USD");
        data.fiscal_year.push_back(panel_years()[r]);
        data.period_start.emplace_back();
        data.period_end.emplace_back();
        data.origin.push_back({"panel.csv", static_cast<long>(r) + 2, 0});
    }
    for (const auto& [field, cells] : panel_fields()) {
        data.numbers[field] = sfp::NumberColumn(cells.begin(), cells.end());
    }
    return data;
}

// ---- A scalar reference evaluator ----------------------------------------------------------

/// A value of one record: a number, or missing with the engine's reason text.
struct Scalar {
    double value = 0;
    std::string reason; ///< "" when present
};

/// Evaluates node `index` for record `row`; nullopt when the formula uses something this
/// reference does not model (avg, prev, series, derived quantities, indicators).
std::optional<Scalar> reference(const formula::Expression& e, int index, std::size_t row,
                                const sfp::Catalogue& catalogue) {
    const formula::Node& node = e.at(index);
    std::vector<Scalar> args;
    for (const int arg : node.args) {
        auto value = reference(e, arg, row, catalogue);
        if (!value) {
            return std::nullopt;
        }
        args.push_back(std::move(*value));
    }
    // Binary operations: the first missing operand's reason, as the engine combines columns.
    const auto binary = [&](auto f) -> Scalar {
        if (!args[0].reason.empty()) {
            return args[0];
        }
        if (!args[1].reason.empty()) {
            return args[1];
        }
        return {f(args[0].value, args[1].value), ""};
    };
    const auto unary = [&](auto f) -> Scalar {
        Scalar out = args[0];
        out.value = f(out.value);
        return out;
    };
    switch (node.op) {
    case Op::number:
        return Scalar{node.number, ""};
    case Op::parameter:
        return Scalar{catalogue.parameters.at(node.name), ""};
    case Op::field: {
        const auto found = panel_fields().find(node.name);
        if (found == panel_fields().end() || !found->second[row]) {
            return Scalar{0, "missing-input: " + node.name};
        }
        return Scalar{*found->second[row], ""};
    }
    case Op::months:
        return Scalar{12, ""};
    case Op::year:
        return Scalar{static_cast<double>(panel_years()[row]), ""};
    case Op::neg:
        return unary([](double a) { return -a; });
    case Op::abs:
        return unary([](double a) { return std::fabs(a); });
    case Op::add:
        return binary([](double a, double b) { return a + b; });
    case Op::sub:
        return binary([](double a, double b) { return a - b; });
    case Op::mul:
        return binary([](double a, double b) { return a * b; });
    case Op::div: {
        Scalar out = binary([](double a, double b) { return b == 0 ? 0 : a / b; });
        if (out.reason.empty() && args[1].value == 0) {
            out.reason = "zero-denominator";
        }
        return out;
    }
    case Op::lt:
        return binary([](double a, double b) { return a < b ? 1.0 : 0.0; });
    case Op::le:
        return binary([](double a, double b) { return a <= b ? 1.0 : 0.0; });
    case Op::gt:
        return binary([](double a, double b) { return a > b ? 1.0 : 0.0; });
    case Op::ge:
        return binary([](double a, double b) { return a >= b ? 1.0 : 0.0; });
    case Op::eq:
        return binary([](double a, double b) { return a == b ? 1.0 : 0.0; });
    case Op::ne:
        return binary([](double a, double b) { return a != b ? 1.0 : 0.0; });
    case Op::min:
        return binary([](double a, double b) { return std::min(a, b); });
    case Op::max:
        return binary([](double a, double b) { return std::max(a, b); });
    case Op::if_:
        if (!args[0].reason.empty()) {
            return args[0];
        }
        return args[0].value != 0 ? args[1] : args[2];
    case Op::name:
    case Op::series:
    case Op::derived:
    case Op::indicator:
    case Op::avg:
    case Op::prev:
        return std::nullopt;
    }
    return std::nullopt;
}

// ---- Checks --------------------------------------------------------------------------------

void check_structure(const formula::Expression& e, std::string_view text) {
    expect(e.root >= 0 && static_cast<std::size_t>(e.root) < e.nodes.size(),
           "the root is a node of the expression");
    for (std::size_t i = 0; i < e.nodes.size(); ++i) {
        const formula::Node& node = e.nodes[i];
        expect(node.offset >= 0 && static_cast<std::size_t>(node.offset) <= text.size(),
               "a node's offset is in the text");
        for (const int arg : node.args) {
            expect(arg >= 0 && static_cast<std::size_t>(arg) < i,
                   "a node's arguments come before it (no cycle in the tree)");
        }
    }
}

void check_round_trip(const formula::Expression& e) {
    const std::string printed = formula::to_string(e);
    sfp::Diagnostics diagnostics;
    const auto again = formula::parse(printed, {"printed", 1, 1}, diagnostics);
    expect(again.has_value(), "a printed formula parses", printed);
    expect(formula::to_string(*again) == printed, "printing a printed formula gives it back",
           printed + "\n" + formula::to_string(*again));
}

bool names_itself(const formula::Expression& e) {
    return std::any_of(e.nodes.begin(), e.nodes.end(),
                       [](const formula::Node& node) { return node.name == "fuzz_value"; });
}

void check_values(const sfp::Catalogue& catalogue, const formula::Expression& bound) {
    const sfp::Dataset data = panel();
    const sfp::ReferenceSeries reference_series;
    const sfp::EngineOptions options;
    const auto values =
        sfp::institution_values(data, catalogue, reference_series, options, "fuzz_value");
    const auto again =
        sfp::institution_values(data, catalogue, reference_series, options, "fuzz_value");
    expect(values.value.size() == data.size() && values.reason.size() == data.size(),
           "one value per record");
    for (std::size_t r = 0; r < data.size(); ++r) {
        const double v = values.value[r];
        const bool same = (std::isnan(v) && std::isnan(again.value[r])) || v == again.value[r];
        expect(same && values.reason[r] == again.reason[r], "evaluation is deterministic");
        expect(values.reason[r].empty() || std::isnan(v), "a missing value is NaN");
        const auto expected = reference(bound, bound.root, r, catalogue);
        if (!expected) {
            continue;
        }
        const std::string detail =
            fmt::format("{}\nrecord {}: engine {} '{}', reference {} '{}'", bound.text, r, v,
                        values.reason[r], expected->value, expected->reason);
        expect(values.reason[r] == expected->reason, "the reason matches the reference", detail);
        if (expected->reason.empty()) {
            const bool equal =
                (std::isnan(v) && std::isnan(expected->value)) || v == expected->value;
            expect(equal, "the value matches the reference", detail);
        }
    }
}

/// The formula as a report configuration's [[derived]] quantity, bound and evaluated.
void check_in_catalogue(const std::string& text, const formula::Expression& parsed) {
    const std::string path = (sfp::fuzz::scratch() / "formula.toml").string();
    sfp::fuzz::write_file(path, "[[derived]]\nname = \"fuzz_value\"\nformula = " +
                                    sfp::fuzz::toml_string(text) + "\n");
    sfp::Catalogue catalogue = standard_catalogue();
    sfp::Diagnostics diagnostics;
    const bool bound = sfp::extend_catalogue(catalogue, path, diagnostics);
    expect(bound != diagnostics.has_errors(), "extend_catalogue is true iff no error");
    // Positions inside a formula count the lines of its text as decoded: an escaped line break
    // ("\n", written by toml_string) moves to the next line although the file has none, so the
    // bound is the file's lines plus the formula's (docs/testing.md, "Fuzzing").
    sfp::fuzz::check_diagnostics(diagnostics, 0, path, 3 + sfp::fuzz::line_count(text));
    if (names_itself(parsed)) {
        expect(!bound, "a formula that refers to itself is refused", text);
    }
    if (bound) {
        const sfp::DerivedDef* def = catalogue.find_derived("fuzz_value");
        expect(def != nullptr, "the derived quantity is in the catalogue");
        check_values(catalogue, def->formula);
    }
}

} // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    // As in a catalogue file: the formula starts at line 4, column 11.
    const std::string file = "fuzz.toml";
    sfp::Diagnostics diagnostics;
    const auto parsed = formula::parse(text, {file, 4, 11}, diagnostics);
    expect(diagnostics.items().size() == (parsed ? 0U : 1U),
           "a formula parses, or gets exactly one error");
    const bool utf8 = !sfp::find_invalid_utf8(text);
    sfp::fuzz::check_diagnostics(diagnostics, 0, file, 3 + sfp::fuzz::line_count(text), utf8);
    if (!parsed) {
        return 0;
    }
    check_structure(*parsed, text);
    check_round_trip(*parsed);
    if (utf8) {
        check_in_catalogue(text, *parsed);
    }
    return 0;
}
