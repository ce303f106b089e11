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
//   exit code is 1.
//   Measure the `bench` preset (Release); see docs/performance.md, "Batches".

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
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
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

/// "2-3 pages per brief": the page counts of the briefs of the last run.
std::string pages_per_brief(const fs::path& output) {
    std::size_t fewest = SIZE_MAX;
    std::size_t most = 0;
    for (const auto& entry : fs::directory_iterator(output)) {
        if (entry.path().extension() == ".pdf") {
            const std::size_t pages = sfp::bench::count_pages(entry.path());
            fewest = std::min(fewest, pages);
            most = std::max(most, pages);
        }
    }
    return fewest == most ? fmt::format("{} pages", most)
                          : fmt::format("{}-{} pages", fewest, most);
}

/// Three runs of one mode (in the calling process); prints its figures; false on failure.
bool run_mode(const Workload& work, const Mode& mode) {
    const std::string spec = for_spec(mode.briefs);
    Runs runs;
    for (auto& run : runs) {
        const auto times = run_once(work, mode, spec);
        if (!times) {
            return false;
        }
        run = *times;
    }
    const auto [total, best, worst] = spread_of(runs, &RunTimes::total);
    const double setup = spread_of(runs, &RunTimes::first_start)[0];
    const double building = spread_of(runs, &RunTimes::last_end)[0] - setup;
    const double per_brief = spread_of(runs, &RunTimes::unit_seconds)[0] / mode.briefs;
    fmt::print("{:<8} {:>4} briefs: median {:.2f} s (best {:.2f}, worst {:.2f}), {:.1f} briefs/s; "
               "before the first brief {:.2f} s, building {:.2f} s ({:.1f} briefs/s, {:.0f} ms "
               "per brief in a worker), {}",
               mode.label, mode.briefs, total, best, worst,
               static_cast<double>(mode.briefs) / total, setup, building,
               static_cast<double>(mode.briefs) / building, per_brief * 1000.0,
               pages_per_brief(mode.output(work)));
    std::fflush(stdout); // the child leaves by _exit, which does not flush
    return true;
}

/// Runs `mode` in a child process; prints its peak RSS after its figures. False on failure.
bool run_in_child(const Workload& work, const Mode& mode) {
    std::fflush(stdout);
    const pid_t child = ::fork();
    if (child < 0) {
        std::perror("fork");
        return false;
    }
    if (child == 0) {
        ::_exit(run_mode(work, mode) ? 0 : 1);
    }
    int status = 0;
    rusage usage{};
    if (::wait4(child, &status, 0, &usage) != child || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
        fmt::print("\n{}: failed\n", mode.label);
        return false;
    }
    // Processor time says what wall time cannot on a shared machine: whether jobs 2 does the
    // same work as jobs 1 (the three runs, per run).
    const auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    fmt::print(", CPU {:.2f} s per run, peak RSS {:.1f} MiB\n",
               (seconds(usage.ru_utime) + seconds(usage.ru_stime)) / 3.0,
               static_cast<double>(usage.ru_maxrss) / 1024.0);
    return true;
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

    const std::vector<Mode> modes{
        {"1 brief", 1, 1}, {"jobs 1", args->briefs, 1}, {"jobs 2", args->briefs, 2}};
    bool ok = true;
    for (const auto& mode : modes) {
        ok = run_in_child(work, mode) && ok;
    }
    if (ok) {
        ok = same_briefs(modes[1].output(work), modes[2].output(work),
                         2 * static_cast<std::size_t>(args->briefs));
        fmt::print("jobs 1 and jobs 2 wrote {} bytes\n", ok ? "the same" : "different");
    }
    if (args->keep) {
        fmt::print("kept {}\n", work.dir.string());
    } else {
        fs::remove_all(work.dir);
    }
    return ok ? 0 : 1;
}
