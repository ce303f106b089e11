#pragma once
/// The sfpgen subcommands defined outside main.cpp. Each takes the arguments after its name and
/// returns the process exit code (sfp::ExitCode).

#include <string>
#include <vector>

/// `sfpgen ingest SUBMISSION.csv --source NAME [--config CONFIG] [--database PATH] [--by WHO]
/// [--dry-run]`: loads the file with the mapping of [[source]] NAME, refuses it when it has
/// errors (exit 4), and stores it in the SFP database as one submission with history.
/// Example: `sfpgen ingest partners_2025.csv --source partners --by "J. Doe"`.
int run_ingest(const std::vector<std::string>& args);

/// `sfpgen gallery [CONFIG] [--output DIR] [--dpi N]`: one chart of every kind from the
/// results of CONFIG, as DIR/gallery.pdf (a page per kind) and DIR/gallery-<kind>.png.
int run_gallery(const std::vector<std::string>& args);

/// `sfpgen cgap [CONFIG] [--output DIR]`: the CGAP submission (templates/cgap-submission/):
/// the workbook with its fixed layout and a short PDF summary (docs/cgap.md).
int run_cgap(const std::vector<std::string>& args);
