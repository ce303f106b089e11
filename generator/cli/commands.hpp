#pragma once
/// The sfpgen subcommands. Each takes the arguments after its name and returns the process exit
/// code (sfp::ExitCode). Each command's options are built by one function, used both to parse
/// the command line and by the man page (man_page.cpp), so the two cannot drift apart.

#include "sfp/batch.hpp"
#include "sfp/build.hpp"
#include "sfp/cgap_run.hpp"
#include "sfp/gallery.hpp"
#include "sfp/validate.hpp"

#include <boost/program_options.hpp>
#include <string>
#include <vector>

namespace sfp::cli {

/// What `sfpgen build` reads from its command line.
struct BuildArgs {
    BatchOptions batch;
    BuildOptions& options = batch.build;
    std::string formats = "pdf,xlsx";
    std::string shard; ///< "i/n"
    long jobs = 0;     ///< checked, then copied to batch.jobs
    bool values_only = false;
};

/// What `sfpgen ingest` reads from its command line.
struct IngestArgs {
    std::string file;
    std::string source;
    std::string config_path = "templates/gb-progress/report.toml";
    std::string database;
    std::string submitted_by;
    bool dry_run = false;
};

/// What `sfpgen list` reads from its command line.
struct ListArgs {
    std::string what; ///< templates, indicators or sources
    std::string config_path = "templates/gb-progress/report.toml";
    std::string templates_dir = "templates";
    bool json = false;
};

/// What `sfpgen generate` reads from its command line (numbers as text, checked with a message
/// naming the option).
struct GenerateArgs {
    std::string kind; ///< panel, loans or targets
    std::string output;
    std::string institutions;
    std::string years;
    std::string last_year;
    std::string loans;
    std::string seed;
};

/// What `sfpgen portfolio` reads from its command line.
struct PortfolioArgs {
    std::string config_path = "data/sources/generated-loans.toml";
    std::string output;
    int year = 0; ///< 0: the year of the latest disbursement
    int jobs = 2;
};

/// One command as the usage text and the man page describe it.
struct CommandText {
    const char* name;
    const char* synopsis; ///< the arguments after the name: "[CONFIG] [options]"
    const char* summary;  ///< one line
    const char* details;  ///< printed after the options by --help (starts with a blank line)
};

[[nodiscard]] const CommandText& build_text();
[[nodiscard]] const CommandText& validate_text();
[[nodiscard]] const CommandText& ingest_text();
[[nodiscard]] const CommandText& list_text();
[[nodiscard]] const CommandText& gallery_text();
[[nodiscard]] const CommandText& cgap_text();
[[nodiscard]] const CommandText& generate_text();
[[nodiscard]] const CommandText& portfolio_text();

[[nodiscard]] boost::program_options::options_description build_options(BuildArgs& args);
[[nodiscard]] boost::program_options::options_description
validate_options(ValidateOptions& options);
[[nodiscard]] boost::program_options::options_description ingest_options(IngestArgs& args);
[[nodiscard]] boost::program_options::options_description list_options(ListArgs& args);
[[nodiscard]] boost::program_options::options_description gallery_options(GalleryOptions& options);
[[nodiscard]] boost::program_options::options_description cgap_options(CgapOptions& options);
[[nodiscard]] boost::program_options::options_description generate_options(GenerateArgs& args);
[[nodiscard]] boost::program_options::options_description portfolio_options(PortfolioArgs& args);

int run_build(const std::vector<std::string>& args);
int run_validate(const std::vector<std::string>& args);

/// `sfpgen ingest SUBMISSION.csv --source NAME [--config CONFIG] [--database PATH] [--by WHO]
/// [--dry-run]`: loads the file with the mapping of [[source]] NAME, refuses it when it has
/// errors (exit 4), and stores it in the SFP database as one submission with history.
/// Example: `sfpgen ingest partners_2025.csv --source partners --by "J. Doe"`.
int run_ingest(const std::vector<std::string>& args);

/// `sfpgen list templates|indicators|sources [CONFIG] [--json]`.
int run_list(const std::vector<std::string>& args);

/// `sfpgen gallery [CONFIG] [--output DIR] [--dpi N]`: one chart of every kind from the
/// results of CONFIG, as DIR/gallery.pdf (a page per kind) and DIR/gallery-<kind>.png.
int run_gallery(const std::vector<std::string>& args);

/// `sfpgen cgap [CONFIG] [--output DIR]`: the CGAP submission (templates/cgap-submission/):
/// the workbook with its fixed layout and a short PDF summary (docs/cgap.md).
int run_cgap(const std::vector<std::string>& args);

/// `sfpgen generate panel|loans|targets [-o FILE] [--institutions N] [--years N] [--loans N]
/// [--seed S]`: deterministic synthetic data (sfp/generate.hpp), written atomically.
int run_generate(const std::vector<std::string>& args);

/// `sfpgen portfolio [CONFIG] [-o FILE] [--year N] [--jobs N]`: PAR30/PAR90, disbursements and
/// outreach per institution from the config's loan source, in one streaming pass (sfp/loans.hpp),
/// written as a CSV with institution-year field names.
int run_portfolio(const std::vector<std::string>& args);

/// `sfpgen help --man [FILE]` (`args`: "--man" [FILE]): the manual page sfpgen.1 in roff, on
/// stdout or written to FILE
/// (atomically). Hidden: the build runs it to generate the installed man page.
int run_man(const std::vector<std::string>& args);

/// Every command in the order the usage text and the man page list them.
[[nodiscard]] std::vector<const CommandText*> command_texts();

} // namespace sfp::cli
