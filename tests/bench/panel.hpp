#pragma once
// The generated institution-year panel shared by the report benchmarks (report_bench,
// batch_bench): a CSV with the columns of data/sample/institution_years.csv in a temporary
// folder, and a copy of a template's report.toml that reads it. Also what the benchmarks read
// back from the PDFs they write (pages, figures, table rows).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace sfp::bench {

/// Raw mt19937_64 output only: the standard fixes it, so the panel is the same everywhere.
class Dice {
public:
    double uniform(double low, double high) {
        return low + (high - low) * static_cast<double>(engine_() >> 11U) * 0x1.0p-53;
    }
    std::uint64_t below(std::uint64_t bound) { return engine_() % bound; }

private:
    std::mt19937_64 engine_{20261128};
};

/// The generated CSV and the report config that reads it.
struct Workload {
    std::filesystem::path dir;
    std::filesystem::path config; ///< empty when the panel could not be made
    std::size_t rows = 0;
    std::uintmax_t csv_bytes = 0;
};

/// Which panel and which report reads it.
struct PanelSpec {
    std::string root; ///< the repository (catalogue, reference, templates)
    /// The template folder: under templates/ ("gb-progress", ...), else a benchmark-only one
    /// under tests/bench/templates/ ("gb-reference").
    std::string report;
    std::string folder_prefix; ///< temporary folder name, before "-<pid>"
    int institutions = 2000;
    int years = 15;
};

/// Writes the panel into a fresh temporary folder: each institution copies the shape of a USD
/// row of the sample, scaled, growing 8% a year (so that the quality rules accept it), with the
/// id institution_id(i) and the name "Institution <i>", fiscal years ending in 2024. The config
/// is the template folder's report.toml with absolute paths (catalogue, targets, reference,
/// template) and first_year moved back to cover every generated year. A template under
/// tests/bench/templates/ is staged in the temporary folder first (templates/<report> beside
/// templates/common, where sfpgen looks for the shared words): its document.toml and, for each
/// language of its text/ folder, the words of templates/common, of templates/<words> (a template
/// whose words it reuses, "gb-progress"; none when empty) and its own. An empty config when the
/// panel or the template could not be made (after saying why).
[[nodiscard]] Workload prepare_panel(const PanelSpec& spec, const std::string& words = {});

/// The mfi_id of the i-th generated institution ("MFI-00042").
[[nodiscard]] std::string institution_id(int index);

[[nodiscard]] std::string read_text(const std::filesystem::path& path);

/// Pages of a PDF written by Cairo: its page objects ("/Type /Page", not "/Pages").
[[nodiscard]] std::size_t count_pages(const std::filesystem::path& pdf);

/// What a tagged PDF's structure tree holds.
struct PdfStructure {
    std::size_t pages = 0;       ///< page objects ("/Type /Page")
    std::size_t figures = 0;     ///< Figure structure elements (charts)
    std::size_t table_rows = 0;  ///< TR structure elements: every row piece, headers included
    std::size_t header_rows = 0; ///< the TRs with a TH cell (a table's header on each page)
    bool ok = false;             ///< false when the file or one of its object streams is unreadable
};

/// Counts pages, figures and table rows of a PDF written by Cairo (generator/render/src/
/// render_pdf.cpp tags every table row TR and every chart Figure). The objects are read outside
/// the streams and inside the object streams (/Type /ObjStm, inflated: Cairo 1.17.6 and later put
/// the structure elements there; 1.16 writes them as plain objects); content streams are skipped.
[[nodiscard]] PdfStructure read_structure(const std::filesystem::path& pdf);

[[nodiscard]] inline double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace sfp::bench
