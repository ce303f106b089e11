// report_bench: the whole Governing Body report (sfp::build_report) on a generated panel.
//
// Usage: report_bench [--smoke] [--keep] [INSTITUTIONS [YEARS]]
//   (default 2,000 x 15; --smoke: 20 x 3; --keep leaves the temporary folder)
//   Writes a CSV with the columns of data/sample/institution_years.csv into a temporary folder
//   (each institution copies the shape of a USD row of the sample, scaled, growing 8% a year, so
//   the quality rules accept it), with a copy of templates/gb-progress/report.toml that reads it
//   (absolute paths for the catalogue, targets and reference files, first_year moved back to
//   cover every generated year). Then times build_report for PDF only, XLSX only and PDF+XLSX:
//   the median of 3 runs, the pages, pages per second and the peak resident memory of each mode
//   (each mode runs in a child process so that its peak is its own). Measure the `bench` preset
//   (Release); see docs/performance.md.

#include "sfp/build.hpp"
#include "sfp/diagnostics.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#ifndef SFPGEN_SOURCE_DIR
#error "SFPGEN_SOURCE_DIR must point at the repository"
#endif

namespace fs = std::filesystem;

namespace {

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

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Splits one CSV record (RFC 4180 quotes; the sample has no quoted newlines).
std::vector<std::string> split_csv(const std::string& line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                fields.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                fields.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.emplace_back();
        } else if (c != '\r') {
            fields.back() += c;
        }
    }
    return fields;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
}

struct Workload {
    fs::path dir;
    fs::path config;
    std::size_t rows = 0;
    std::uintmax_t csv_bytes = 0;
};

/// The generated CSV and the report config that reads it; empty `config` on failure.
Workload prepare(const std::string& root, int institutions, int years) {
    Workload work;
    work.dir = fs::temp_directory_path() / fmt::format("sfpgen-report-bench-{}", ::getpid());
    fs::remove_all(work.dir);
    fs::create_directories(work.dir);

    std::istringstream sample(read_text(root + "/data/sample/institution_years.csv"));
    std::string header_line;
    std::getline(sample, header_line);
    const auto header = split_csv(header_line);
    const auto column = [&](const std::string& name) {
        return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) -
                                        header.begin());
    };
    const std::size_t currency = column("currency");
    std::vector<std::vector<std::string>> templates;
    for (std::string line; std::getline(sample, line);) {
        auto fields = split_csv(line);
        if (fields.size() == header.size() && fields[currency] == "USD") {
            templates.push_back(std::move(fields));
        }
    }
    if (templates.empty()) {
        return work;
    }
    // Columns copied as they are; every other non-empty numeric value is scaled.
    const std::vector<std::size_t> kept{column("mfi_id"),       column("mfi_name"),
                                        column("country_iso3"), column("region"),
                                        column("fiscal_year"),  currency,
                                        column("legal_form"),   column("established_year")};

    Dice dice;
    const fs::path csv = work.dir / "institution_years.csv";
    {
        std::ofstream out(csv, std::ios::binary);
        out << header_line << '\n';
        for (int i = 0; i < institutions; ++i) {
            const auto& shape = templates[dice.below(templates.size())];
            const double scale = dice.uniform(0.2, 5.0);
            for (int y = 0; y < years; ++y) {
                const double growth = scale * std::pow(1.08, y - years + 1);
                for (std::size_t c = 0; c < header.size(); ++c) {
                    if (c > 0) {
                        out << ',';
                    }
                    std::string value = shape[c];
                    if (c == kept[0]) {
                        value = fmt::format("MFI-{:05}", i);
                    } else if (c == kept[1]) {
                        value = fmt::format("Institution {}", i);
                    } else if (c == kept[4]) {
                        value = std::to_string(2024 - years + 1 + y);
                    } else if (std::find(kept.begin(), kept.end(), c) == kept.end() &&
                               !value.empty()) {
                        char* end = nullptr;
                        const double number = std::strtod(value.c_str(), &end);
                        if (end != nullptr && *end == '\0') {
                            value = value.find('.') == std::string::npos
                                        ? std::to_string(std::llround(number * growth))
                                        : fmt::format("{:.2f}", number * growth);
                        }
                    }
                    if (value.find(',') != std::string::npos) {
                        value = "\"" + value + "\"";
                    }
                    out << value;
                }
                out << '\n';
                ++work.rows;
            }
        }
    }
    work.csv_bytes = fs::file_size(csv);

    std::string config = read_text(root + "/templates/gb-progress/report.toml");
    replace_all(config, "\"../../data/sample/institution_years.csv\"", "\"" + csv.string() + "\"");
    replace_all(config, "\"../../data/sfp.sqlite\"",
                "\"" + (work.dir / "sfp.sqlite").string() + "\"");
    replace_all(config, "\"../../", "\"" + root + "/");
    // The report's structure and words (the template) stay those of the sample.
    replace_all(config, "template = \"", "template = \"" + root + "/templates/gb-progress/");
    replace_all(config, "first_year = 2020",
                fmt::format("first_year = {}", std::min(2020, 2024 - years + 1)));
    work.config = work.dir / "report.toml";
    std::ofstream(work.config, std::ios::binary) << config;
    return work;
}

/// Pages of a PDF written by Cairo: its page objects ("/Type /Page", not "/Pages").
std::size_t count_pages(const fs::path& pdf) {
    const std::string bytes = read_text(pdf);
    std::size_t pages = 0;
    const std::string needle = "/Type /Page";
    for (auto at = bytes.find(needle); at != std::string::npos; at = bytes.find(needle, at + 1)) {
        if (at + needle.size() >= bytes.size() || bytes[at + needle.size()] != 's') {
            ++pages;
        }
    }
    return pages;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Runs one mode three times (in the calling process) and prints its figures; false on failure.
bool run_mode(const Workload& work, const std::string& label,
              const std::vector<sfp::OutputFormat>& formats) {
    const fs::path out = work.dir / ("out-" + label);
    std::vector<double> times;
    for (int run = 0; run < 3; ++run) {
        fs::remove_all(out);
        sfp::BuildOptions options;
        options.config_path = work.config.string();
        options.output_dir = out.string();
        options.formats = formats;
        options.source_date_epoch = 1767225600;
        sfp::Diagnostics diagnostics;
        const auto start = std::chrono::steady_clock::now();
        const auto result = sfp::build_report(options, diagnostics);
        times.push_back(seconds_since(start));
        if (result.code != sfp::ExitCode::ok) {
            for (const auto& d : diagnostics.items()) {
                std::fprintf(stderr, "%s\n", sfp::to_string(d).c_str());
            }
            return false;
        }
    }
    std::sort(times.begin(), times.end());
    const double median = times[1];
    const fs::path pdf = out / "gb-progress-sample.pdf";
    const fs::path xlsx = out / "gb-progress-sample.xlsx";
    std::string sizes;
    if (fs::exists(pdf)) {
        const std::size_t pages = count_pages(pdf);
        sizes += fmt::format(", {} pages ({:.1f} pages/s), PDF {:.1f} KiB", pages,
                             static_cast<double>(pages) / median,
                             static_cast<double>(fs::file_size(pdf)) / 1024.0);
    }
    if (fs::exists(xlsx)) {
        sizes +=
            fmt::format(", XLSX {:.1f} KiB", static_cast<double>(fs::file_size(xlsx)) / 1024.0);
    }
    fmt::print("{:<9} median {:.3f} s (best {:.3f}, worst {:.3f}) over 3 runs{}", label, median,
               times[0], times[2], sizes);
    std::fflush(stdout);
    return true;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    bool smoke = false;
    bool keep = false; // --keep: leave the generated CSV, config and outputs for inspection
    while (!args.empty() && (args.front() == "--smoke" || args.front() == "--keep")) {
        (args.front() == "--smoke" ? smoke : keep) = true;
        args.erase(args.begin());
    }
    const int institutions = !args.empty() ? std::atoi(args[0].c_str()) : smoke ? 20 : 2000;
    const int years = args.size() > 1 ? std::atoi(args[1].c_str()) : smoke ? 3 : 15;
    if (institutions <= 0 || years <= 0 || years > 30) {
        std::fprintf(stderr,
                     "usage: report_bench [--smoke] [--keep] [INSTITUTIONS [YEARS (1-30)]]\n");
        return 2;
    }
    const std::string root = SFPGEN_SOURCE_DIR;
    auto start = std::chrono::steady_clock::now();
    const Workload work = prepare(root, institutions, years);
    if (work.config.empty()) {
        std::fprintf(stderr, "report_bench: no USD row in the sample CSV to copy\n");
        return 1;
    }
    fmt::print("panel: {} institutions x {} years = {} rows, CSV {:.1f} MiB, written in {:.2f} s\n",
               institutions, years, work.rows, static_cast<double>(work.csv_bytes) / 1048576.0,
               seconds_since(start));

    const std::vector<std::pair<std::string, std::vector<sfp::OutputFormat>>> modes{
        {"pdf", {sfp::OutputFormat::pdf}},
        {"xlsx", {sfp::OutputFormat::xlsx}},
        {"pdf+xlsx", {sfp::OutputFormat::pdf, sfp::OutputFormat::xlsx}},
    };
    bool ok = true;
    for (const auto& [label, formats] : modes) {
        // A child per mode: its peak RSS (wait4's rusage) is that mode's alone.
        std::fflush(stdout);
        const pid_t child = ::fork();
        if (child < 0) {
            std::perror("fork");
            return 1;
        }
        if (child == 0) {
            ::_exit(run_mode(work, label, formats) ? 0 : 1);
        }
        int status = 0;
        rusage usage{};
        if (::wait4(child, &status, 0, &usage) != child || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0) {
            fmt::print("\n{}: failed\n", label);
            ok = false;
            continue;
        }
        fmt::print(", peak RSS {:.1f} MiB\n", static_cast<double>(usage.ru_maxrss) / 1024.0);
    }
    if (keep) {
        fmt::print("kept {}\n", work.dir.string());
    } else {
        fs::remove_all(work.dir);
    }
    return ok ? 0 : 1;
}
