// batch_bench: constituent briefs built by sfp::run_batch on a generated panel (issue 8).
//
// Usage: batch_bench [--smoke] [--keep] [--count N]
//   (default: 2,000 x 15 panel, N = 200 briefs; --smoke: 20 x 3 and 5 briefs; --keep leaves the
//   temporary folder). Writes the panel of panel.hpp with a copy of
//   templates/constituent-brief/report.toml that reads it, then runs the batch
//   `--for institution=<first N ids> --format pdf,xlsx --force` with jobs 1 and with jobs 2, and
//   one brief alone (jobs 1): the median of 3 runs of each, briefs per second, the time before
//   the first brief starts (loading the config, catalogue, reference and panel, and planning)
//   against the time spent building, pages per brief, processor time and the peak resident
//   memory of each mode (each mode runs in a child process so that its peak is its own). Every
//   run must build every brief, and jobs 1 and jobs 2 must write the same bytes; otherwise the
//   exit code is 1. Prints human-readable lines, then one "BENCH batch_<N> <metric> <value>
//   <unit>" line per figure (docs/benchmarks.md).
//   Measure the `bench` preset (Release); see docs/performance.md, "Batches".

#include "figures.hpp"
#include "panel.hpp"
#include "sfp/batch.hpp"
#include "sfp/diagnostics.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#ifndef SFPGEN_SOURCE_DIR
#error "SFPGEN_SOURCE_DIR must point at the repository"
#endif

namespace fs = std::filesystem;
using sfp::bench::seconds_since;
using sfp::bench::Workload;

namespace {

using Clock = std::chrono::steady_clock;

struct Mode {
    std::string label;
    std::string metric; ///< the prefix of its BENCH metrics
    int briefs = 0;
    unsigned jobs = 1;
    [[nodiscard]] fs::path output(const Workload& work) const {
        return work.dir / fmt::format("out-{}-{}", briefs, jobs);
    }
};

/// One run's times, in seconds from the call of run_batch.
struct RunTimes {
    double total = 0;
    double first_start = 1e300; ///< when the first brief began: load + plan before it
    double last_end = 0;        ///< when the last brief was done: the manifest follows
    double unit_seconds = 0;    ///< sum of the briefs' own times
};

/// "institution=MFI-00000,MFI-00001,...": the first `briefs` generated institutions.
std::string for_spec(int briefs) {
    std::string spec = "institution=";
    for (int i = 0; i < briefs; ++i) {
        if (i > 0) {
            spec += ',';
        }
        spec += sfp::bench::institution_id(i);
    }
    return spec;
}

void print_diagnostics(const std::vector<sfp::Diagnostic>& items) {
    for (const auto& d : items) {
        std::fprintf(stderr, "%s\n", sfp::to_string(d).c_str());
    }
}

/// Whether the run built exactly the briefs asked for, each with a non-empty PDF and XLSX.
bool every_brief_built(const sfp::BatchResult& result, const Mode& mode) {
    std::set<std::string> expected;
    for (int i = 0; i < mode.briefs; ++i) {
        expected.insert(sfp::bench::institution_id(i));
    }
    std::set<std::string> seen;
    for (const auto& unit : result.units) {
        const bool files_ok = unit.outputs.size() == 2 &&
                              std::all_of(unit.outputs.begin(), unit.outputs.end(),
                                          [](const sfp::UnitOutput& o) { return o.bytes > 0; });
        if (unit.status != sfp::UnitStatus::built || !files_ok) {
            std::fprintf(stderr, "batch_bench: %s: brief %s is %s with %zu outputs: %s\n",
                         mode.label.c_str(), unit.value.c_str(), sfp::status_name(unit.status),
                         unit.outputs.size(), unit.reason.c_str());
            print_diagnostics(unit.diagnostics);
            return false;
        }
        seen.insert(unit.value);
    }
    if (result.code != sfp::ExitCode::ok || seen != expected ||
        result.units.size() != expected.size()) {
        std::fprintf(stderr,
                     "batch_bench: %s: exit code %d, %zu briefs built, %zu distinct, %zu asked\n",
                     mode.label.c_str(), static_cast<int>(result.code), result.units.size(),
                     seen.size(), expected.size());
        return false;
    }
    return true;
}

/// Runs the batch once into a fresh output folder; nullopt (after printing why) on failure.
std::optional<RunTimes> run_once(const Workload& work, const Mode& mode, const std::string& spec) {
    fs::remove_all(mode.output(work));
    sfp::BatchOptions options;
    options.build.config_path = work.config.string();
    options.build.output_dir = mode.output(work).string();
    options.build.formats = {sfp::OutputFormat::pdf, sfp::OutputFormat::xlsx};
    options.build.source_date_epoch = 1767225600;
    options.for_spec = spec;
    options.jobs = mode.jobs;
    options.force = true;
    RunTimes times;
    std::mutex mutex; // progress is serialised by run_batch; the lock keeps that local
    const auto start = Clock::now();
    const auto progress = [&](const sfp::UnitOutcome& unit, std::size_t, std::size_t) {
        const std::lock_guard<std::mutex> lock(mutex);
        const double now = seconds_since(start);
        times.first_start = std::min(times.first_start, now - unit.seconds);
        times.last_end = std::max(times.last_end, now);
        times.unit_seconds += unit.seconds;
    };
    sfp::Diagnostics diagnostics;
    const auto result = sfp::run_batch(options, diagnostics, progress);
    times.total = seconds_since(start);
    print_diagnostics(diagnostics.items());
    if (!every_brief_built(result, mode)) {
        return std::nullopt;
    }
    return times;
}

using Runs = std::array<RunTimes, 3>;

/// The runs' median, best and worst of one figure.
std::array<double, 3> spread_of(const Runs& runs, double RunTimes::*field) {
    std::array<double, 3> values{runs[0].*field, runs[1].*field, runs[2].*field};
    std::sort(values.begin(), values.end());
    return {values[1], values[0], values[2]};
}

/// What a mode's three runs measured (it crosses a pipe from the child: plain values only).
struct ModeFigures {
    double total = 0; ///< median
    double best = 0;
    double worst = 0;
    double setup = 0;     ///< before the first brief (median of the runs)
    double building = 0;  ///< from the first brief to the last (median)
    double per_brief = 0; ///< a brief's own time in a worker (median of the runs' sums / briefs)
    std::size_t fewest_pages = 0;
    std::size_t most_pages = 0;
};

using Measured = sfp::bench::ChildResult<ModeFigures>;

/// The fewest and most pages of the briefs of the last run.
void count_brief_pages(const fs::path& output, ModeFigures& figures) {
    figures.fewest_pages = SIZE_MAX;
    for (const auto& entry : fs::directory_iterator(output)) {
        if (entry.path().extension() == ".pdf") {
            const std::size_t pages = sfp::bench::count_pages(entry.path());
            figures.fewest_pages = std::min(figures.fewest_pages, pages);
            figures.most_pages = std::max(figures.most_pages, pages);
        }
    }
}

/// Three runs of one mode (in the calling process); nullopt on failure.
std::optional<ModeFigures> time_mode(const Workload& work, const Mode& mode) {
    const std::string spec = for_spec(mode.briefs);
    Runs runs;
    for (auto& run : runs) {
        const auto times = run_once(work, mode, spec);
        if (!times) {
            return std::nullopt;
        }
        run = *times;
    }
    ModeFigures figures;
    const auto total = spread_of(runs, &RunTimes::total);
    figures.total = total[0];
    figures.best = total[1];
    figures.worst = total[2];
    figures.setup = spread_of(runs, &RunTimes::first_start)[0];
    figures.building = spread_of(runs, &RunTimes::last_end)[0] - figures.setup;
    figures.per_brief = spread_of(runs, &RunTimes::unit_seconds)[0] / mode.briefs;
    count_brief_pages(mode.output(work), figures);
    return figures;
}

/// Runs `mode` in a child process so that its peak RSS is its own; nullopt on failure.
std::optional<Measured> measure(const Workload& work, const Mode& mode) {
    auto measured = sfp::bench::run_in_child<ModeFigures>([&] { return time_mode(work, mode); });
    if (!measured) {
        fmt::print("{}: failed\n", mode.label);
    }
    return measured;
}

void print_mode(const Mode& mode, const Measured& measured) {
    const ModeFigures& f = measured.value;
    const std::string pages = f.fewest_pages == f.most_pages
                                  ? fmt::format("{} pages", f.most_pages)
                                  : fmt::format("{}-{} pages", f.fewest_pages, f.most_pages);
    // Processor time says what wall time cannot on a shared machine: whether jobs 2 does the
    // same work as jobs 1 (the three runs, per run).
    fmt::print("{:<8} {:>4} briefs: median {:.2f} s (best {:.2f}, worst {:.2f}), {:.1f} briefs/s; "
               "before the first brief {:.2f} s, building {:.2f} s ({:.1f} briefs/s, {:.0f} ms "
               "per brief in a worker), {}, CPU {:.2f} s per run, peak RSS {:.1f} MiB\n",
               mode.label, mode.briefs, f.total, f.best, f.worst,
               static_cast<double>(mode.briefs) / f.total, f.setup, f.building,
               static_cast<double>(mode.briefs) / f.building, f.per_brief * 1000.0, pages,
               measured.cpu_seconds / 3.0, measured.peak_rss_mib);
}

void print_mode_figures(const std::string& bench, const Mode& mode, const Measured& measured) {
    using sfp::bench::print_figure;
    const ModeFigures& f = measured.value;
    const std::string& m = mode.metric;
    const auto briefs = static_cast<double>(mode.briefs);
    print_figure(bench, m + "_seconds", f.total, "s");
    print_figure(bench, m + "_best_seconds", f.best, "s");
    print_figure(bench, m + "_briefs_per_s", briefs / f.total, "briefs/s");
    print_figure(bench, m + "_setup_seconds", f.setup, "s");
    print_figure(bench, m + "_building_briefs_per_s", briefs / f.building, "briefs/s");
    print_figure(bench, m + "_worker_ms_per_brief", f.per_brief * 1000.0, "ms");
    print_figure(bench, m + "_cpu_seconds", measured.cpu_seconds / 3.0, "s");
    print_figure(bench, m + "_max_pages", static_cast<double>(f.most_pages), "pages");
    print_figure(bench, m + "_peak_rss", measured.peak_rss_mib, "MiB");
}

/// Whether two output folders hold the same briefs with the same bytes (the manifests differ:
/// they record the jobs and the times).
bool same_briefs(const fs::path& a, const fs::path& b, std::size_t expected) {
    std::size_t compared = 0;
    for (const auto& entry : fs::directory_iterator(a)) {
        const auto extension = entry.path().extension();
        if (extension != ".pdf" && extension != ".xlsx") {
            continue;
        }
        const fs::path other = b / entry.path().filename();
        if (!fs::exists(other) ||
            sfp::bench::read_text(entry.path()) != sfp::bench::read_text(other)) {
            std::fprintf(stderr, "batch_bench: %s differs from %s\n", entry.path().c_str(),
                         other.c_str());
            return false;
        }
        ++compared;
    }
    if (compared != expected) {
        std::fprintf(stderr, "batch_bench: %zu files in %s, expected %zu\n", compared, a.c_str(),
                     expected);
        return false;
    }
    return true;
}

struct Arguments {
    bool smoke = false;
    bool keep = false;
    int briefs = 0;
};

std::optional<Arguments> parse_arguments(int argc, char** argv) {
    Arguments args;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--smoke" || arg == "--keep") {
            (arg == "--smoke" ? args.smoke : args.keep) = true;
        } else if (arg == "--count" && i + 1 < argc) {
            args.briefs = std::atoi(argv[++i]);
            if (args.briefs <= 0) {
                return std::nullopt;
            }
        } else {
            return std::nullopt;
        }
    }
    if (args.briefs == 0) {
        args.briefs = args.smoke ? 5 : 200;
    }
    return args;
}

} // namespace

int main(int argc, char** argv) {
    const auto args = parse_arguments(argc, argv);
    const int institutions = args && args->smoke ? 20 : 2000;
    if (!args || args->briefs > institutions) {
        std::fprintf(stderr, "usage: batch_bench [--smoke] [--keep] [--count N (1-%d)]\n",
                     institutions);
        return 2;
    }
    const int years = args->smoke ? 3 : 15;
    auto start = Clock::now();
    const Workload work = sfp::bench::prepare_panel(
        {SFPGEN_SOURCE_DIR, "constituent-brief", "sfpgen-batch-bench", institutions, years});
    if (work.config.empty()) {
        std::fprintf(stderr, "batch_bench: no USD row in the sample CSV to copy\n");
        return 1;
    }
    fmt::print("panel: {} institutions x {} years = {} rows, CSV {:.1f} MiB, written in {:.2f} s\n",
               institutions, years, work.rows, static_cast<double>(work.csv_bytes) / 1048576.0,
               seconds_since(start));

    const std::vector<Mode> modes{{"1 brief", "one_brief", 1, 1},
                                  {"jobs 1", "jobs1", args->briefs, 1},
                                  {"jobs 2", "jobs2", args->briefs, 2}};
    std::vector<Measured> measured;
    for (const auto& mode : modes) {
        if (auto figures = measure(work, mode)) {
            print_mode(mode, *figures);
            measured.push_back(*figures);
        }
    }
    bool ok = measured.size() == modes.size();
    if (ok) {
        ok = same_briefs(modes[1].output(work), modes[2].output(work),
                         2 * static_cast<std::size_t>(args->briefs));
        fmt::print("jobs 1 and jobs 2 wrote {} bytes\n", ok ? "the same" : "different");
    }
    if (ok) {
        const std::string bench = fmt::format("batch_{}", args->briefs);
        sfp::bench::print_figure(bench, "briefs", args->briefs, "briefs");
        for (std::size_t i = 0; i < modes.size(); ++i) {
            print_mode_figures(bench, modes[i], measured[i]);
        }
        sfp::bench::print_figure(bench, "jobs2_speedup",
                                 measured[1].value.total / measured[2].value.total, "x");
    }
    if (args->keep) {
        fmt::print("kept {}\n", work.dir.string());
    } else {
        fs::remove_all(work.dir);
    }
    return ok ? 0 : 1;
}
