#include "panel.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace sfp::bench {

namespace fs = std::filesystem;

namespace {

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

/// The sample's header and its USD rows, the shapes the generated institutions copy.
struct Sample {
    std::string header_line;
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> shapes;

    [[nodiscard]] std::size_t column(const std::string& name) const {
        return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) -
                                        header.begin());
    }
};

Sample read_sample(const std::string& root) {
    Sample sample;
    std::istringstream in(read_text(root + "/data/sample/institution_years.csv"));
    std::getline(in, sample.header_line);
    sample.header = split_csv(sample.header_line);
    const std::size_t currency = sample.column("currency");
    for (std::string line; std::getline(in, line);) {
        auto fields = split_csv(line);
        if (fields.size() == sample.header.size() && fields[currency] == "USD") {
            sample.shapes.push_back(std::move(fields));
        }
    }
    return sample;
}

/// Writes every institution-year of the panel; returns the number of rows.
std::size_t write_csv(const fs::path& csv, const Sample& sample, int institutions, int years) {
    // Columns copied as they are; every other non-empty numeric value is scaled.
    const std::vector<std::size_t> kept{
        sample.column("mfi_id"),       sample.column("mfi_name"),
        sample.column("country_iso3"), sample.column("region"),
        sample.column("fiscal_year"),  sample.column("currency"),
        sample.column("legal_form"),   sample.column("established_year")};
    Dice dice;
    std::ofstream out(csv, std::ios::binary);
    out << sample.header_line << '\n';
    std::size_t rows = 0;
    for (int i = 0; i < institutions; ++i) {
        const auto& shape = sample.shapes[dice.below(sample.shapes.size())];
        const double scale = dice.uniform(0.2, 5.0);
        for (int y = 0; y < years; ++y) {
            const double growth = scale * std::pow(1.08, y - years + 1);
            for (std::size_t c = 0; c < sample.header.size(); ++c) {
                if (c > 0) {
                    out << ',';
                }
                std::string value = shape[c];
                if (c == kept[0]) {
                    value = institution_id(i);
                } else if (c == kept[1]) {
                    value = fmt::format("Institution {}", i);
                } else if (c == kept[4]) {
                    value = std::to_string(2024 - years + 1 + y);
                } else if (std::find(kept.begin(), kept.end(), c) == kept.end() && !value.empty()) {
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
            ++rows;
        }
    }
    return rows;
}

/// The template's report.toml made to read `csv` from anywhere.
std::string config_for(const PanelSpec& spec, const fs::path& dir, const fs::path& csv) {
    const std::string& root = spec.root;
    std::string config = read_text(root + "/templates/" + spec.report + "/report.toml");
    replace_all(config, "\"../../data/sample/institution_years.csv\"",
                fmt::format("\"{}\"", csv.string()));
    replace_all(config, "\"../../data/sfp.sqlite\"",
                fmt::format("\"{}\"", (dir / "sfp.sqlite").string()));
    replace_all(config, "\"../../", fmt::format("\"{}/", root));
    // The report's structure and words (the template) stay those of the sample.
    replace_all(config, "template = \"",
                fmt::format("template = \"{}/templates/{}/", root, spec.report));
    replace_all(config, "first_year = 2020",
                fmt::format("first_year = {}", std::min(2020, 2024 - spec.years + 1)));
    return config;
}

} // namespace

std::string institution_id(int index) {
    return fmt::format("MFI-{:05}", index);
}

std::string read_text(const fs::path& path) {
    std::error_code error;
    const auto size = fs::file_size(path, error);
    std::string text(error ? 0 : size, '\0');
    std::ifstream in(path, std::ios::binary);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return text;
}

Workload prepare_panel(const PanelSpec& spec) {
    Workload work;
    work.dir = fs::temp_directory_path() / fmt::format("{}-{}", spec.folder_prefix, ::getpid());
    fs::remove_all(work.dir);
    fs::create_directories(work.dir);
    const Sample sample = read_sample(spec.root);
    if (sample.shapes.empty()) {
        return work;
    }
    const fs::path csv = work.dir / "institution_years.csv";
    work.rows = write_csv(csv, sample, spec.institutions, spec.years);
    work.csv_bytes = fs::file_size(csv);
    work.config = work.dir / "report.toml";
    std::ofstream(work.config, std::ios::binary) << config_for(spec, work.dir, csv);
    return work;
}

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

} // namespace sfp::bench
