// `sfpgen help --man`: the manual page, printed from the same option descriptions and texts
// the commands parse and print with --help, so the installed sfpgen.1 cannot drift from them.

#include "cli_support.hpp"
#include "commands.hpp"
#include "sfp/output.hpp"
#include "sfp/version.hpp"

#include <array>
#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <iostream>
#include <sstream>

namespace po = boost::program_options;

namespace sfp::cli {

namespace {

/// Text as roff: backslashes and hyphens escaped, a line starting with '.' or '\'' protected
/// (it would be read as a request).
std::string roff(std::string_view text) {
    std::string out;
    bool line_start = true;
    for (const char c : text) {
        if (line_start && (c == '.' || c == '\'')) {
            out += "\\&";
        }
        if (c == '\\') {
            out += "\\e";
        } else if (c == '-') {
            out += "\\-";
        } else {
            out.push_back(c);
        }
        line_start = c == '\n';
    }
    return out;
}

/// "-o [ --output ]" -> "\-o, \-\-output"; "--dpi" -> "\-\-dpi".
std::string option_names(const po::option_description& option) {
    const std::string display = option.format_name();
    const std::string long_name = "--" + option.long_name();
    if (display.size() >= 2 && display[0] == '-' && display[1] != '-') {
        return fmt::format("\\fB{}\\fR, \\fB{}\\fR", roff(display.substr(0, 2)), roff(long_name));
    }
    return fmt::format("\\fB{}\\fR", roff(long_name));
}

void write_options(std::ostream& out, const po::options_description& options) {
    for (const auto& option : options.options()) {
        const std::string parameter = option->format_parameter();
        out << ".TP\n"
            << option_names(*option)
            << (parameter.empty() ? "" : " \\fI" + roff(parameter) + "\\fR") << '\n'
            << roff(option->description()) << '\n';
    }
}

/// The text after the options in --help: one paragraph per line.
void write_details(std::ostream& out, std::string_view details) {
    std::istringstream lines{std::string(details)};
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty()) {
            out << ".PP\n" << roff(line) << '\n';
        }
    }
}

void write_command(std::ostream& out, const CommandText& text,
                   const po::options_description& options) {
    out << fmt::format(".SS \"sfpgen {} {}\"\n", text.name, roff(text.synopsis))
        << roff(text.summary) << ".\n";
    write_options(out, options);
    write_details(out, text.details);
}

void write_commands(std::ostream& out) {
    out << ".SH COMMANDS\n";
    {
        BuildArgs args;
        write_command(out, build_text(), build_options(args));
    }
    {
        ValidateOptions options;
        write_command(out, validate_text(), validate_options(options));
    }
    {
        IngestArgs args;
        write_command(out, ingest_text(), ingest_options(args));
    }
    {
        ListArgs args;
        write_command(out, list_text(), list_options(args));
    }
    {
        GalleryOptions options;
        write_command(out, gallery_text(), gallery_options(options));
    }
    {
        CgapOptions options;
        write_command(out, cgap_text(), cgap_options(options));
    }
    {
        GenerateArgs args;
        write_command(out, generate_text(), generate_options(args));
    }
    {
        PortfolioArgs args;
        write_command(out, portfolio_text(), portfolio_options(args));
    }
    out << ".SS \"Options of every command\"\n";
    CommonOptions common;
    write_options(out, common_options(common));
}

/// What each exit code means; a new ExitCode must be described here (-Wswitch-enum).
std::string_view exit_meaning(ExitCode code) {
    switch (code) {
    case ExitCode::ok:
        return "every requested output was written; validate: no errors (warnings allowed)";
    case ExitCode::internal:
        return "internal error (a bug: please report it)";
    case ExitCode::usage:
        return "usage: unknown command, option or format, bad SOURCE_DATE_EPOCH, --dpi or "
               "--diagnostics";
    case ExitCode::config:
        return "configuration: missing or invalid TOML, unknown key, column, field, source or "
               "indicator";
    case ExitCode::data:
        return "data: a source file cannot be read; validate found errors; ingest refused a "
               "submission with errors";
    case ExitCode::output:
        return "output: the output folder, a file or the database cannot be written";
    case ExitCode::partial:
        return "partial failure: in a batch (--for), some reports failed and the others were "
               "built or were up to date (the manifest says which)";
    }
    return "";
}

void write_exit_status(std::ostream& out) {
    out << ".SH EXIT STATUS\n";
    constexpr std::array codes{ExitCode::ok,     ExitCode::internal, ExitCode::usage,
                               ExitCode::config, ExitCode::data,     ExitCode::output,
                               ExitCode::partial};
    for (const auto code : codes) {
        out << fmt::format(".TP\n.B {}\n{}\n", static_cast<int>(code), roff(exit_meaning(code)));
    }
}

constexpr const char* man_head = R"(.SH NAME
sfpgen \- reports of the ILO Social Finance Programme from partner institutions' data
.SH SYNOPSIS
.B sfpgen
.I command
.RI [ options ]
.br
.B sfpgen \-\-version
.br
.B sfpgen \-\-help
.SH DESCRIPTION
sfpgen reads partner institutions' figures from the sources declared in a TOML configuration,
computes progress indicators to the industry's standard definitions, and writes a PDF report, an
Excel workbook, results JSON and CSV, chart images, and the CGAP submission.
Errors are printed as
.I file:line:col: error: message
with a hint where one helps, or as JSON lines with
.BR "\-\-diagnostics json" .
Run
.B sfpgen
.I command
.B \-\-help
for the options of a command; they are the ones listed below.
)";

constexpr const char* man_tail = R"(.SH ENVIRONMENT
.TP
.B SOURCE_DATE_EPOCH
Seconds since 1970: the creation date of the PDF and workbook files (build, gallery, cgap) and the
ingest time recorded by ingest. Without it, the date of the configuration is used; sfpgen never
reads the clock for its documents, so the same inputs give byte\-identical files.
.TP
.B SFPGEN_HUGE_PAGES
0 keeps tcmalloc's own way of taking memory from the system; by default its heap asks the kernel
for transparent huge pages, which makes first touches of memory cheaper. The files written are
the same either way.
.TP
.B USER
The default of
.B ingest \-\-by.
.SH FILES
.TP
.I templates/gb\-progress/report.toml
The default configuration (relative to the current directory).
.TP
.I templates/<name>/document.toml, templates/<name>/text/<lang>/*.toml
A report template and its words per language.
.TP
.I data/indicators/catalogue.toml
The indicator catalogue: formulas, units, statistics and standards.
.TP
.I data/sfp.sqlite
The SFP database written by
.BR ingest .
.TP
.I output/
Where build, gallery and cgap write by default. Every file is written to a temporary name and
renamed when complete.
.SH EXAMPLES
.nf
sfpgen build
sfpgen build path/to/report.toml \-\-output out \-\-format pdf,xlsx,json
SOURCE_DATE_EPOCH=1767225600 sfpgen build \-\-quiet
sfpgen build \-\-lang fr
sfpgen validate data/sources/kiva\-loans.toml \-\-json \-\-strict
sfpgen ingest submission.csv \-\-source partners
sfpgen list templates
sfpgen list indicators \-\-json
sfpgen build bad.toml \-\-diagnostics json
.fi
.SH SEE ALSO
docs/cli.md (this page in full), docs/config.md, docs/templates.md, docs/data.md,
docs/indicators.md, docs/database.md, docs/cgap.md in the sfpgen sources.
)";

std::string man_page() {
    std::ostringstream out;
    out << fmt::format(".TH SFPGEN 1 \"\" \"sfpgen {}\" \"User Commands\"\n", version) << man_head;
    write_commands(out);
    write_exit_status(out);
    out << man_tail;
    return out.str();
}

} // namespace

int run_man(const std::vector<std::string>& args) {
    if (args.size() < 2) {
        std::cout << man_page();
        return static_cast<int>(ExitCode::ok);
    }
    Diagnostics diagnostics;
    if (!write_file_atomically(args[1], man_page(), diagnostics)) {
        print_diagnostics(diagnostics);
        return static_cast<int>(ExitCode::output);
    }
    return static_cast<int>(ExitCode::ok);
}

} // namespace sfp::cli
