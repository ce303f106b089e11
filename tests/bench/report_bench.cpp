// report_bench: the whole Governing Body report (sfp::build_report) on a generated panel.
//
// Usage: report_bench [--smoke] [--keep] [--runs R] [--pdf] [--growth] [--reference]
//                     [INSTITUTIONS [YEARS]]
//   Default: 2,000 x 15, R = 3; --smoke: 20 x 3 and R = 1; --keep leaves the temporary folder.
//   Writes a CSV with the columns of data/sample/institution_years.csv into a temporary folder,
//   with a copy of templates/gb-progress/report.toml that reads it (panel.hpp). Then times
//   build_report for PDF only, XLSX only and PDF+XLSX: the median of R runs, the pages, pages
//   per second and the peak resident memory of each mode (each run is a child process of its
//   own, so that its peak is one build's). --pdf: the PDF mode only (issue 9's 0.5 s target).
//   --growth: how the cost grows with the data: PDF and PDF+XLSX on INSTITUTIONS (default 500;
//   --smoke: 10), 4x and 16x as many institutions, YEARS years each; seconds, peak RSS and their
//   ratio to the 1x panel.
//   Prints human-readable lines, then one "BENCH report <metric> <value> <unit>" line per figure
//   ("BENCH report_growth ..." with --growth; docs/benchmarks.md). Measure the `bench` preset
//   (Release); see docs/performance.md.
//   --reference: the same on a report with the charts and table rows of issue 9's reference
//   (58 pages, 30 charts, 2,800 table rows): tests/bench/templates/gb-reference, staged with the
//   words of gb-progress (panel.hpp); on 2,000 x 15 it has 30 figures and 2,856 TR elements
//   (2,751 body rows), on 93 pages (compact annex tables, 56 rows a page). Its BENCH lines are
//   "report_reference ..." ("report_reference_growth ..."), with, for each mode writing a PDF, the
//   figures and table rows read back from the PDF (TR structure elements, header rows included, and
//   the body rows without them); it fails when the PDF has not the template's 30 figures.

#include "figures.hpp"
#include "panel.hpp"
#include "sfp/build.hpp"
#include "sfp/diagnostics.hpp"
#if SFPGEN_HUGE_PAGES
#include "sfp/huge_pages.hpp"
#endif

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <filesystem>
#include <fmt/format.h>
#include <optional>
#include <string>
#include <vector>

#ifndef SFPGEN_SOURCE_DIR
#error "SFPGEN_SOURCE_DIR must point at the repository"
#endif

namespace fs = std::filesystem;

namespace {

using sfp::bench::ChildResult;
using sfp::bench::parse_int;
using sfp::bench::print_figure;
using sfp::bench::seconds_since;
using sfp::bench::Workload;

/// Which report the benchmark builds.
struct Report {
    std::string bench;   ///< the <bench> of its BENCH lines: "report"
    std::string folder;  ///< its template (PanelSpec::report)
    std::string words;   ///< the template whose words it reuses (prepare_panel)
    std::string name;    ///< [report] name: the stem of its output files
    std::size_t figures; ///< the figures its PDF must have; 0: neither checked nor printed
};

const Report gb_progress{"report", "gb-progress", "", "gb-progress-sample", 0};
const Report gb_reference{"report_reference", "gb-reference", "gb-progress", "gb-reference", 30};

/// One way of building the report: which files it writes.
struct Mode {
    std::string label;  ///< "pdf+xlsx"
    std::string metric; ///< the prefix of its BENCH metrics: "pdf_xlsx"
    std::vector<sfp::OutputFormat> formats;
    [[nodiscard]] bool writes(sfp::OutputFormat format) const {
        return std::find(formats.begin(), formats.end(), format) != formats.end();
    }
};

/// What a mode's runs measured (it crosses a pipe from the child: plain values only).
struct ModeFigures {
    double median = 0;
    double best = 0;
    double worst = 0;
    std::size_t pages = 0;
    std::size_t figures = 0;
    std::size_t table_rows = 0;  ///< TR elements
    std::size_t header_rows = 0; ///< those with a TH cell
    std::uintmax_t pdf_bytes = 0;
    std::uintmax_t xlsx_bytes = 0;
    sfp::PhaseTimes phases; ///< of the median run
};

using Measured = ChildResult<ModeFigures>;

bool build_once(const Workload& work, const Mode& mode, const fs::path& out,
                sfp::PhaseTimes& phases) {
    fs::remove_all(out);
    sfp::BuildOptions options;
    options.config_path = work.config.string();
    options.output_dir = out.string();
    options.formats = mode.formats;
    options.source_date_epoch = 1767225600;
    sfp::Diagnostics diagnostics;
    const auto result = sfp::build_report(options, diagnostics);
    if (result.code != sfp::ExitCode::ok) {
        for (const auto& d : diagnostics.items()) {
            std::fprintf(stderr, "%s\n", sfp::to_string(d).c_str());
        }
        return false;
    }
    phases = result.times;
    return true;
}

/// Builds the report `runs` times (in the calling process); nullopt, after saying why, when a
/// run fails or does not write the files of its mode.
std::optional<ModeFigures> time_mode(const Report& report, const Workload& work, const Mode& mode,
                                     int runs) {
    const fs::path out = work.dir / ("out-" + mode.metric);
    std::vector<std::pair<double, sfp::PhaseTimes>> times;
    for (int run = 0; run < runs; ++run) {
        const auto start = std::chrono::steady_clock::now();
        sfp::PhaseTimes phases;
        if (!build_once(work, mode, out, phases)) {
            return std::nullopt;
        }
        times.emplace_back(seconds_since(start), phases);
    }
    const auto by_time = [](const auto& a, const auto& b) { return a.first < b.first; };
    std::sort(times.begin(), times.end(), by_time);
    ModeFigures figures;
    figures.median = times[times.size() / 2].first;
    figures.phases = times[times.size() / 2].second;
    figures.best = times.front().first;
    figures.worst = times.back().first;
    const fs::path pdf = out / (report.name + ".pdf");
    const fs::path xlsx = out / (report.name + ".xlsx");
    if (mode.writes(sfp::OutputFormat::pdf) != fs::exists(pdf) ||
        mode.writes(sfp::OutputFormat::xlsx) != fs::exists(xlsx)) {
        std::fprintf(stderr, "report_bench: %s: not the files of the mode in %s\n",
                     mode.label.c_str(), out.c_str());
        return std::nullopt;
    }
    if (fs::exists(pdf)) {
        const sfp::bench::PdfStructure structure = sfp::bench::read_structure(pdf);
        if (!structure.ok) {
            std::fprintf(stderr, "report_bench: %s: cannot read %s\n", mode.label.c_str(),
                         pdf.c_str());
            return std::nullopt;
        }
        if (report.figures > 0 && structure.figures != report.figures) {
            std::fprintf(stderr, "report_bench: %s: %zu figures in %s, expected %zu\n",
                         mode.label.c_str(), structure.figures, pdf.c_str(), report.figures);
            return std::nullopt;
        }
        figures.pages = structure.pages;
        figures.figures = structure.figures;
        figures.table_rows = structure.table_rows;
        figures.header_rows = structure.header_rows;
        figures.pdf_bytes = fs::file_size(pdf);
    }
    if (fs::exists(xlsx)) {
        figures.xlsx_bytes = fs::file_size(xlsx);
    }
    return figures;
}

/// Runs a mode `runs` times, each run in a child process of its own: the peak RSS is that of
/// one build, as for one `sfpgen build` (several builds in one process would measure the
/// high-water mark of the allocator's reuse of their memory instead). Times: the median, best
/// and worst run; processor time: the sum; peak: the largest.
std::optional<Measured> measure(const Report& report, const Workload& work, const Mode& mode,
                                int runs) {
    Measured total;
    std::vector<ModeFigures> runs_made;
    for (int run = 0; run < runs; ++run) {
        const auto one =
            sfp::bench::run_in_child<ModeFigures>([&] { return time_mode(report, work, mode, 1); });
        if (!one) {
            fmt::print("{}: failed\n", mode.label);
            return std::nullopt;
        }
        runs_made.push_back(one->value);
        total.peak_rss_mib = std::max(total.peak_rss_mib, one->peak_rss_mib);
        total.cpu_seconds += one->cpu_seconds;
    }
    std::sort(runs_made.begin(), runs_made.end(),
              [](const ModeFigures& a, const ModeFigures& b) { return a.median < b.median; });
    total.value = runs_made[runs_made.size() / 2]; // pages and sizes: the same every run
    total.value.best = runs_made.front().median;
    total.value.worst = runs_made.back().median;
    return total;
}

double kib(std::uintmax_t bytes) {
    return static_cast<double>(bytes) / 1024.0;
}

void print_mode(const Report& report, const Mode& mode, const Measured& measured, int runs) {
    const ModeFigures& f = measured.value;
    std::string sizes;
    if (f.pdf_bytes > 0) {
        sizes += fmt::format(", {} pages ({:.1f} pages/s), PDF {:.1f} KiB", f.pages,
                             static_cast<double>(f.pages) / f.median, kib(f.pdf_bytes));
        if (report.figures > 0) {
            sizes +=
                fmt::format(" with {} figures and {} table rows ({} header, {} body)", f.figures,
                            f.table_rows, f.header_rows, f.table_rows - f.header_rows);
        }
    }
    if (f.xlsx_bytes > 0) {
        sizes += fmt::format(", XLSX {:.1f} KiB", kib(f.xlsx_bytes));
    }
    fmt::print("{:<9} median {:.3f} s (best {:.3f}, worst {:.3f}) over {} run(s){}, peak RSS "
               "{:.1f} MiB\n",
               mode.label, f.median, f.best, f.worst, runs, sizes, measured.peak_rss_mib);
    const sfp::PhaseTimes& t = f.phases;
    fmt::print("{:<9} the median run: prepare (config, sources, template) {:.3f} s, evaluate "
               "{:.3f} s, document {:.3f} s, PDF layout {:.3f} s ({} tables set up by the "
               "layout's helper, {} texts of figures composed), PDF output {:.3f} s ({}), other "
               "formats {:.3f} s\n",
               "", t.prepare, t.evaluate, t.document, t.pdf_layout, t.pdf_helper_tables,
               t.pdf_composed_texts, t.pdf_output,
               t.pdf_split_page > 0
                   ? fmt::format("pages drawn in two parts from page {}", t.pdf_split_page + 1)
                   : std::string("pages drawn whole"),
               t.other_formats);
}

void print_mode_figures(const Report& report, const Mode& mode, const Measured& measured,
                        int runs) {
    const ModeFigures& f = measured.value;
    const std::string& m = mode.metric;
    const std::string& bench = report.bench;
    print_figure(bench, m + "_seconds", f.median, "s");
    print_figure(bench, m + "_best_seconds", f.best, "s");
    print_figure(bench, m + "_cpu_seconds", measured.cpu_seconds / runs, "s");
    const sfp::PhaseTimes& t = f.phases;
    for (const auto& [phase, seconds] :
         {std::pair{"prepare", t.prepare}, std::pair{"evaluate", t.evaluate},
          std::pair{"document", t.document}, std::pair{"pdf_layout", t.pdf_layout},
          std::pair{"pdf_output", t.pdf_output}, std::pair{"other_formats", t.other_formats}}) {
        print_figure(bench, m + "_phase_" + phase + "_seconds", seconds, "s");
    }
    if (f.pdf_bytes > 0) {
        print_figure(bench, m + "_layout_helper_tables", static_cast<double>(t.pdf_helper_tables),
                     "tables");
        print_figure(bench, m + "_split_page", static_cast<double>(t.pdf_split_page), "pages");
        print_figure(bench, m + "_composed_texts", static_cast<double>(t.pdf_composed_texts),
                     "texts");
    }
    if (f.pdf_bytes > 0) {
        print_figure(bench, m + "_pages", static_cast<double>(f.pages), "pages");
        print_figure(bench, m + "_pages_per_s", static_cast<double>(f.pages) / f.median, "pages/s");
        print_figure(bench, m + "_pdf_size", kib(f.pdf_bytes), "KiB");
        if (report.figures > 0) {
            print_figure(bench, m + "_figures", static_cast<double>(f.figures), "figures");
            print_figure(bench, m + "_table_rows", static_cast<double>(f.table_rows), "rows");
            print_figure(bench, m + "_body_rows", static_cast<double>(f.table_rows - f.header_rows),
                         "rows");
        }
    }
    if (f.xlsx_bytes > 0) {
        print_figure(bench, m + "_xlsx_size", kib(f.xlsx_bytes), "KiB");
    }
    print_figure(bench, m + "_peak_rss", measured.peak_rss_mib, "MiB");
}

/// Writes the panel into a temporary folder named `folder` and the process id.
Workload make_panel(const Report& report, const std::string& folder, int institutions, int years) {
    const auto start = std::chrono::steady_clock::now();
    Workload work = sfp::bench::prepare_panel(
        {SFPGEN_SOURCE_DIR, report.folder, folder, institutions, years}, report.words);
    if (work.config.empty()) {
        std::fprintf(stderr, "report_bench: no panel: no USD row in the sample CSV to copy, or "
                             "the template could not be staged\n");
        return work;
    }
    fmt::print("panel: {} institutions x {} years = {} rows, CSV {:.1f} MiB, written in {:.2f} s\n",
               institutions, years, work.rows, static_cast<double>(work.csv_bytes) / 1048576.0,
               seconds_since(start));
    // The figures depend on the malloc (cmake/Dependencies.cmake, SFPGEN_TCMALLOC).
    const bool tcmalloc = dlsym(RTLD_DEFAULT, "tc_malloc") != nullptr;
#if SFPGEN_HUGE_PAGES
    const bool huge_pages = sfp::huge_pages::active();
#else
    const bool huge_pages = false;
#endif
    fmt::print("allocator: {}{}\n", tcmalloc ? "tcmalloc (libtcmalloc-minimal4)" : "glibc malloc",
               huge_pages ? ", heap in huge pages (sfp/huge_pages.hpp)" : "");
    return work;
}

void finish(const Workload& work, bool keep) {
    if (keep) {
        fmt::print("kept {}\n", work.dir.string());
    } else {
        fs::remove_all(work.dir);
    }
}

struct Arguments {
    bool smoke = false;
    bool keep = false;
    bool growth = false;
    bool reference = false; ///< gb-reference instead of gb-progress
    bool pdf_only = false;  ///< --pdf: the PDF mode only
    int runs = 0;           ///< 0: the default (3; --smoke: 1)
    int institutions = 0;
    int years = 0;
};

constexpr const char* usage = "usage: report_bench [--smoke] [--keep] [--runs R (1-99)] [--pdf] "
                              "[--growth] [--reference] [INSTITUTIONS [YEARS (1-30)]]\n";

/// Reads the arguments; prints what was expected and what was seen and returns nullopt on error.
std::optional<Arguments> parse_arguments(int argc, char** argv) {
    Arguments args;
    std::vector<std::string> positional;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--smoke" || arg == "--keep" || arg == "--growth" || arg == "--reference" ||
            arg == "--pdf") {
            (arg == "--smoke"    ? args.smoke
             : arg == "--keep"   ? args.keep
             : arg == "--growth" ? args.growth
             : arg == "--pdf"    ? args.pdf_only
                                 : args.reference) = true;
        } else if (arg == "--runs") {
            const std::string value = i + 1 < argc ? argv[++i] : "";
            const auto runs = parse_int(value, 1, 99);
            if (!runs) {
                std::fprintf(stderr, "report_bench: --runs: expected 1 to 99, found '%s'\n%s",
                             value.c_str(), usage);
                return std::nullopt;
            }
            args.runs = *runs;
        } else {
            positional.push_back(arg);
        }
    }
    const std::optional<int> institutions =
        positional.empty()
            ? std::optional<int>(args.growth ? (args.smoke ? 10 : 500) : (args.smoke ? 20 : 2000))
            : parse_int(positional[0], 1, 1000000);
    const std::optional<int> years = positional.size() < 2 ? std::optional<int>(args.smoke ? 3 : 15)
                                                           : parse_int(positional[1], 1, 30);
    if (!institutions || !years || positional.size() > 2) {
        std::fprintf(stderr, "report_bench: unexpected arguments '%s'\n%s",
                     fmt::format("{}", fmt::join(positional, " ")).c_str(), usage);
        return std::nullopt;
    }
    args.institutions = *institutions;
    args.years = *years;
    if (args.runs == 0) {
        args.runs = args.smoke ? 1 : 3;
    }
    return args;
}

const Mode pdf_mode{"pdf", "pdf", {sfp::OutputFormat::pdf}};
const Mode xlsx_mode{"xlsx", "xlsx", {sfp::OutputFormat::xlsx}};
const Mode both_mode{"pdf+xlsx", "pdf_xlsx", {sfp::OutputFormat::pdf, sfp::OutputFormat::xlsx}};

const Report& report_of(const Arguments& args) {
    return args.reference ? gb_reference : gb_progress;
}

/// The temporary folder's name (before the process id).
std::string folder_of(const Arguments& args) {
    return args.reference ? "sfpgen-report-reference" : "sfpgen-report-bench";
}

/// PDF only, XLSX only and PDF+XLSX on one panel.
int run_modes(const Arguments& args) {
    const Report& report = report_of(args);
    const Workload work = make_panel(report, folder_of(args), args.institutions, args.years);
    if (work.config.empty()) {
        return 1;
    }
    std::vector<std::pair<const Mode*, Measured>> done;
    bool ok = true;
    std::vector<const Mode*> modes{&pdf_mode};
    if (!args.pdf_only) {
        modes.insert(modes.end(), {&xlsx_mode, &both_mode});
    }
    for (const Mode* mode : modes) {
        const auto measured = measure(report, work, *mode, args.runs);
        if (!measured) {
            ok = false;
            continue;
        }
        print_mode(report, *mode, *measured, args.runs);
        done.emplace_back(mode, *measured);
    }
    print_figure(report.bench, "rows", static_cast<double>(work.rows), "rows");
    for (const auto& [mode, measured] : done) {
        print_mode_figures(report, *mode, measured, args.runs);
    }
    finish(work, args.keep);
    return ok ? 0 : 1;
}

/// One panel size of the growth run and what each growth mode measured on it.
struct GrowthStep {
    int institutions = 0;
    std::size_t rows = 0;
    std::array<Measured, 2> modes{}; ///< pdf, pdf+xlsx
};

void print_growth(const Report& report, const std::vector<GrowthStep>& steps, int years) {
    const std::string bench = report.bench + "_growth";
    const std::array<const Mode*, 2> modes{&pdf_mode, &both_mode};
    fmt::print("\n{:>14} {:>9} {:<9} {:>9} {:>7} {:>11} {:>7}\n", "panel", "rows", "mode", "median",
               "ratio", "peak RSS", "ratio");
    for (const GrowthStep& step : steps) {
        for (std::size_t m = 0; m < modes.size(); ++m) {
            const Measured& base = steps.front().modes[m];
            const Measured& here = step.modes[m];
            fmt::print("{:>9} x {:>2} {:>9} {:<9} {:>7.3f} s {:>6.2f}x {:>7.1f} MiB {:>6.2f}x\n",
                       step.institutions, years, step.rows, modes[m]->label, here.value.median,
                       here.value.median / base.value.median, here.peak_rss_mib,
                       here.peak_rss_mib / base.peak_rss_mib);
        }
    }
    for (const GrowthStep& step : steps) {
        const std::string size = fmt::format("{}x{}", step.institutions, years);
        print_figure(bench, "rows_" + size, static_cast<double>(step.rows), "rows");
        for (std::size_t m = 0; m < modes.size(); ++m) {
            const Measured& base = steps.front().modes[m];
            const Measured& here = step.modes[m];
            const std::string& metric = modes[m]->metric;
            print_figure(bench, metric + "_seconds_" + size, here.value.median, "s");
            print_figure(bench, metric + "_seconds_ratio_" + size,
                         here.value.median / base.value.median, "x");
            print_figure(bench, metric + "_peak_rss_" + size, here.peak_rss_mib, "MiB");
            print_figure(bench, metric + "_peak_rss_ratio_" + size,
                         here.peak_rss_mib / base.peak_rss_mib, "x");
        }
    }
}

/// Measures both growth modes on one panel size; nullopt when the panel or a mode fails.
std::optional<GrowthStep> measure_step(const Arguments& args, int institutions) {
    GrowthStep step;
    step.institutions = institutions;
    // A folder per size, so that --keep keeps them all.
    const Workload work = make_panel(
        report_of(args), fmt::format("{}-{}x{}", folder_of(args), institutions, args.years),
        institutions, args.years);
    if (work.config.empty()) {
        return std::nullopt;
    }
    step.rows = work.rows;
    bool ok = true;
    for (std::size_t m = 0; m < step.modes.size() && ok; ++m) {
        const Mode& mode = m == 0 ? pdf_mode : both_mode;
        const auto measured = measure(report_of(args), work, mode, args.runs);
        if (measured) {
            print_mode(report_of(args), mode, *measured, args.runs);
            step.modes[m] = *measured;
        }
        ok = measured.has_value();
    }
    finish(work, args.keep);
    return ok ? std::optional<GrowthStep>(step) : std::nullopt;
}

/// PDF and PDF+XLSX on 1x, 4x and 16x the institutions: how time and memory grow. A failing
/// size ends the run (exit 1) after the figures of the sizes before it.
int run_growth(const Arguments& args) {
    std::vector<GrowthStep> steps;
    for (const int factor : {1, 4, 16}) {
        auto step = measure_step(args, args.institutions * factor);
        if (!step) {
            if (!steps.empty()) {
                print_growth(report_of(args), steps, args.years);
            }
            return 1;
        }
        steps.push_back(*step);
    }
    print_growth(report_of(args), steps, args.years);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    const auto args = parse_arguments(argc, argv);
    if (!args) {
        return 2;
    }
    return args->growth ? run_growth(*args) : run_modes(*args);
}
