// Tests of the formula language (sfp/formula.hpp): parsing, positions, binding and printing.

#include "sfp/formula.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace {

using sfp::formula::NameKind;

/// A name table with a few fields (opex is a flow), a parameter and an indicator.
sfp::formula::NameTable names() {
    sfp::formula::NameTable table;
    table.resolve = [](std::string_view name, double& value) {
        if (name == "opex" || name == "fin_revenue") {
            return NameKind::flow_field;
        }
        if (name == "total_assets" || name == "gross_loan_portfolio" || name == "par30_balance") {
            return NameKind::field;
        }
        if (name == "market_rate") {
            value = 0.12;
            return NameKind::parameter;
        }
        if (name == "FIN-08") {
            return NameKind::indicator;
        }
        if (name == "inflation_rate") {
            return NameKind::series;
        }
        return NameKind::unknown;
    };
    table.candidates = [] {
        return std::vector<std::string>{
            "opex",          "fin_revenue", "total_assets", "gross_loan_portfolio",
            "par30_balance", "market_rate", "FIN-08",       "inflation_rate"};
    };
    return table;
}

const sfp::SourcePos at{"catalogue.toml", 7, 12};

/// Parses and binds; the diagnostics are left in `diagnostics`.
std::optional<sfp::formula::Expression> compile(const std::string& text,
                                                sfp::Diagnostics& diagnostics) {
    auto expression = sfp::formula::parse(text, at, diagnostics);
    if (!expression || !sfp::formula::bind(*expression, names(), diagnostics)) {
        return std::nullopt;
    }
    return expression;
}

/// The single error of compiling `text`.
sfp::Diagnostic error_of(const std::string& text) {
    sfp::Diagnostics diagnostics;
    CHECK_FALSE(compile(text, diagnostics).has_value());
    REQUIRE(diagnostics.items().size() == 1);
    return diagnostics.items().front();
}

} // namespace

TEST_CASE("formula: precedence and associativity, printed back", "[formula]") {
    sfp::Diagnostics diagnostics;
    const auto check = [&](const std::string& text, const std::string& printed) {
        INFO(text);
        const auto expression = compile(text, diagnostics);
        REQUIRE(expression.has_value());
        CHECK(sfp::formula::to_string(*expression) == printed);
    };
    check("opex+fin_revenue*2", "opex + fin_revenue * 2");
    check("(opex + fin_revenue) * 2", "(opex + fin_revenue) * 2");
    check("opex - fin_revenue - total_assets", "opex - fin_revenue - total_assets");
    check("opex - (fin_revenue - total_assets)", "opex - (fin_revenue - total_assets)");
    check("opex / total_assets / 2", "opex / total_assets / 2");
    check("opex / (total_assets / 2)", "opex / (total_assets / 2)");
    check("-opex * 2", "-opex * 2");
    check("avg(total_assets + gross_loan_portfolio)", "avg(total_assets + gross_loan_portfolio)");
    check("if(opex <= 1e3, max(opex, 0.5), min(prev(opex), abs(-opex)))",
          "if(opex <= 1000, max(opex, 0.5), min(prev(opex), abs(-opex)))");
    check("(FIN-08 - inflation_rate) / (1 + inflation_rate)",
          "(FIN-08 - inflation_rate) / (1 + inflation_rate)");
    check("months * market_rate + fiscal_year", "months * market_rate + fiscal_year");
    CHECK(diagnostics.items().empty());
}

TEST_CASE("formula: binding resolves each kind of name", "[formula]") {
    sfp::Diagnostics diagnostics;
    const auto expression = compile(
        "(FIN-08 - inflation_rate) * market_rate + opex / avg(total_assets) + months", diagnostics);
    REQUIRE(expression.has_value());
    std::vector<sfp::formula::Op> ops;
    for (const auto& node : expression->nodes) {
        ops.push_back(node.op);
    }
    using Op = sfp::formula::Op;
    const auto has = [&](Op op) { return std::find(ops.begin(), ops.end(), op) != ops.end(); };
    CHECK(has(Op::indicator));
    CHECK(has(Op::series));
    CHECK(has(Op::parameter));
    CHECK(has(Op::field));
    CHECK(has(Op::avg));
    CHECK(has(Op::months));
    CHECK_FALSE(has(Op::name)); // nothing left unresolved
    CHECK(expression->fields() == std::vector<std::string>{"opex", "total_assets"});
    CHECK(expression->references() == std::vector<std::string>{"FIN-08"});
    for (const auto& node : expression->nodes) {
        if (node.op == Op::parameter) {
            CHECK(node.number == 0.12);
        }
    }
}

TEST_CASE("formula: a top-level division has a numerator and a denominator", "[formula]") {
    sfp::Diagnostics diagnostics;
    const auto ratio = compile("par30_balance / (gross_loan_portfolio + 1)", diagnostics);
    REQUIRE(ratio.has_value());
    const auto parts = ratio->ratio_parts();
    REQUIRE(parts.has_value());
    CHECK(sfp::formula::to_string(*ratio, parts->first) == "par30_balance");
    CHECK(sfp::formula::to_string(*ratio, parts->second) == "gross_loan_portfolio + 1");
    // A division inside a sum is not a ratio.
    const auto sum = compile("par30_balance / gross_loan_portfolio + 1", diagnostics);
    REQUIRE(sum.has_value());
    CHECK_FALSE(sum->ratio_parts().has_value());
}

TEST_CASE("formula: syntax errors point at the offending character", "[formula]") {
    struct Case {
        std::string text;
        long column; // 12 + offset
        std::string message;
    };
    const std::vector<Case> cases{
        {"", 12, "empty formula"},
        {"opex +", 18, "expected a value, found the end of the formula"},
        {"opex + * 2", 19, "expected a value, found '*'"},
        {"(opex + 2", 21, "expected ')'"},
        {"opex 2", 17, "unexpected '2' after a complete expression"},
        {"opex $ 2", 17, "unexpected '$'"},
        {"sqrt(opex)", 12, "unknown function 'sqrt'"},
        {"avg(total_assets, opex)", 12, "avg() takes 1 argument, found 2"},
        {"if(opex < 1, 2)", 12, "if() takes 3 arguments, found 2"},
        {"max(opex 1)", 21, "expected ',' or ')' in the arguments of max()"},
        {"FIN - 08", 12, "expected an indicator id such as 'FIN-08'"},
        {"Opex", 12, "expected an indicator id"},
        {"opex < 1 < 2", 21, "comparisons cannot be chained"},
        {"1.2.3", 12, "expected a number, found '1.2.3'"},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        sfp::Diagnostics diagnostics;
        CHECK_FALSE(sfp::formula::parse(c.text, at, diagnostics).has_value());
        REQUIRE(diagnostics.items().size() == 1);
        const auto& error = diagnostics.items().front();
        CHECK(error.where.file == "catalogue.toml");
        CHECK(error.where.line == 7);
        CHECK(error.where.column == c.column);
        CHECK_THAT(error.message, Catch::StartsWith("formula: ") && Catch::Contains(c.message));
    }
}

TEST_CASE("formula: binding errors name the problem and where it is", "[formula]") {
    SECTION("an unknown name, with did you mean") {
        const auto error = error_of("opex / total_asets");
        CHECK(error.where.column == 12 + 7);
        CHECK_THAT(error.message, Catch::Contains("unknown name 'total_asets'"));
        CHECK(error.hint == "did you mean 'total_assets'?");
    }
    SECTION("an unknown indicator") {
        const auto error = error_of("FIN-09 * 2");
        CHECK(error.where.column == 12);
        CHECK_THAT(error.message, Catch::Contains("unknown indicator 'FIN-09'"));
        CHECK(error.hint == "did you mean 'FIN-08'?");
    }
    SECTION("a condition used as a number") {
        const auto error = error_of("opex * (opex > 1)");
        CHECK(error.where.column == 12 + 8);
        CHECK_THAT(error.message, Catch::Contains("a condition cannot be used as a number"));
    }
    SECTION("a number where if() needs a condition") {
        const auto error = error_of("if(opex, 1, 2)");
        CHECK(error.where.column == 12 + 3);
        CHECK_THAT(error.message, Catch::Contains("must be a condition"));
    }
    SECTION("a condition as the whole formula") {
        const auto error = error_of("opex > fin_revenue");
        CHECK(error.where.column == 12);
        CHECK_THAT(error.message, Catch::Contains("must give a number"));
    }
    SECTION("the average of a flow") {
        const auto error = error_of("opex / avg(total_assets + fin_revenue)");
        CHECK(error.where.column == 12 + 26);
        CHECK_THAT(error.message, Catch::Contains("'fin_revenue' is a flow"));
    }
}

TEST_CASE("formula: positions in multi-line formulas count lines", "[formula]") {
    sfp::Diagnostics diagnostics;
    CHECK_FALSE(sfp::formula::parse("opex +\n  * 2", at, diagnostics).has_value());
    REQUIRE(diagnostics.items().size() == 1);
    CHECK(diagnostics.items()[0].where.line == 8);
    CHECK(diagnostics.items()[0].where.column == 3);
}
