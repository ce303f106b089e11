#include "sfp/gallery.hpp"

#include "charts/draw.hpp"
#include "charts/output.hpp"
#include "charts/scale.hpp"
#include "charts/text.hpp"
#include "sfp/catalogue.hpp"
#include "sfp/config.hpp"
#include "sfp/document.hpp"
#include "sfp/evaluate.hpp"
#include "sfp/indicators.hpp"
#include "sfp/output.hpp"
#include "sfp/render_pdf.hpp"
#include "sfp/sources.hpp"
#include "sfp/targets.hpp"
#include "sfp/version.hpp"

#include <algorithm>
#include <cairo-pdf.h>
#include <cairo.h>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fmt/format.h>
#include <map>
#include <memory>

namespace sfp {

namespace {

/// The combined grouping added for the scatter chart: one scope per institution, with its region.
constexpr const char* institution_grouping = "region+institution";

std::int64_t epoch_of_date(const std::string& iso_date) {
    std::tm tm{};
    if (std::sscanf(iso_date.c_str(), "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3) {
        return 0;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return static_cast<std::int64_t>(timegm(&tm));
}

/// The value of "key:value" for `key` in a scope key "region:Africa+institution:MFI-001".
std::string key_part(const std::string& scope_key, std::string_view key) {
    std::size_t start = 0;
    while (start < scope_key.size()) {
        auto end = scope_key.find('+', start);
        if (end == std::string::npos) {
            end = scope_key.size();
        }
        const std::string_view part(scope_key.data() + start, end - start);
        if (part.size() > key.size() && part.substr(0, key.size()) == key &&
            part[key.size()] == ':') {
            return std::string(part.substr(key.size() + 1));
        }
        start = end + 1;
    }
    return {};
}

class Builder {
public:
    Builder(const ReportSpec& spec, const Catalogue& catalogue, const Dataset& data,
            const Results& results, const Assessment& assessment)
        : spec_(spec), catalogue_(catalogue), results_(results), assessment_(assessment),
          last_(results.periods.empty() ? spec.last_year : results.periods.back()) {
        std::vector<std::string> names;
        for (const auto& source : data.stats) {
            names.push_back(source.name);
        }
        note_ =
            fmt::format("Source: {} (sample data), computed by sfpgen.", fmt::join(names, ", "));
    }

    std::vector<GalleryChart> build() const {
        std::vector<GalleryChart> out;
        for (const charts::ChartKind kind : charts::all_kinds) {
            out.push_back(chart(kind));
        }
        return out;
    }

private:
    GalleryChart chart(charts::ChartKind kind) const {
        switch (kind) {
        case charts::ChartKind::line:
            return line();
        case charts::ChartKind::column:
            return column();
        case charts::ChartKind::bar:
            return bar();
        case charts::ChartKind::stacked_column:
        case charts::ChartKind::percent_column:
            return regions_over_years(kind);
        case charts::ChartKind::stacked_bar:
        case charts::ChartKind::percent_bar:
            return women_and_men(kind);
        case charts::ChartKind::bullet:
            return bullet();
        case charts::ChartKind::range:
            return range();
        case charts::ChartKind::scatter:
            return scatter();
        case charts::ChartKind::donut:
            return donut();
        case charts::ChartKind::dimension_bars:
        case charts::ChartKind::radar:
            return scores(kind);
        case charts::ChartKind::small_multiples:
            return small_multiples();
        case charts::ChartKind::sparkline:
            return sparkline();
        }
        return line();
    }

    [[nodiscard]] std::optional<double> value(std::string_view id, std::size_t scope,
                                              int year) const {
        const auto* found = results_.find(id, scope, year);
        return found != nullptr ? found->value : std::nullopt;
    }

    [[nodiscard]] charts::ValueFormat format(std::string_view id) const {
        const auto* def = catalogue_.find(id);
        return def != nullptr ? chart_format(*def) : charts::ValueFormat{};
    }

    [[nodiscard]] std::string name(std::string_view id) const {
        const auto* def = catalogue_.find(id);
        return def != nullptr ? def->name : std::string(id);
    }

    [[nodiscard]] std::string short_name(std::string_view id) const {
        const auto* def = catalogue_.find(id);
        return def != nullptr ? def->short_name : std::string(id);
    }

    [[nodiscard]] std::vector<std::size_t> regions() const { return results_.group_scopes(0); }

    [[nodiscard]] std::vector<std::string> year_labels() const {
        std::vector<std::string> labels;
        for (const int year : results_.periods) {
            labels.push_back(fmt::format("{}", year));
        }
        return labels;
    }

    [[nodiscard]] charts::ChartSpec base(charts::ChartKind kind, std::string title,
                                         std::string subtitle) const {
        charts::ChartSpec spec;
        spec.kind = kind;
        spec.title = std::move(title);
        spec.subtitle = std::move(subtitle);
        spec.source_note = note_;
        return spec;
    }

    [[nodiscard]] charts::Series over_years(std::string_view id, std::size_t scope) const {
        charts::Series series;
        series.name = results_.scopes[scope].label;
        for (const int year : results_.periods) {
            series.values.push_back(value(id, scope, year));
        }
        return series;
    }

    [[nodiscard]] std::string years_text() const {
        if (results_.periods.empty()) {
            return {};
        }
        return fmt::format("{}-{}", results_.periods.front(), results_.periods.back());
    }

    GalleryChart line() const {
        auto spec = base(charts::ChartKind::line, name("PQ-01"),
                         fmt::format("{}, by region, with the SFP-wide target", years_text()));
        spec.format = format("PQ-01");
        spec.value_axis_title = short_name("PQ-01");
        spec.categories = year_labels();
        for (const std::size_t scope : regions()) {
            spec.series.push_back(over_years("PQ-01", scope));
        }
        spec.series.push_back(over_years("PQ-01", results_.all_scope()));
        for (const auto& target : assessment_.set.targets) {
            if (target.indicator != "PQ-01" || target.scope != "all") {
                continue;
            }
            charts::Marker baseline;
            baseline.kind = charts::Marker::Kind::baseline;
            baseline.value = target.baseline;
            baseline.label = fmt::format("Baseline {}: {}", target.baseline_year,
                                         charts::format_value(target.baseline, spec.format));
            spec.markers.push_back(baseline);
            charts::Marker goal;
            goal.kind = charts::Marker::Kind::target;
            goal.value = target.target;
            goal.label = fmt::format("Target {}: {}", target.target_year,
                                     charts::format_value(target.target, spec.format));
            spec.markers.push_back(goal);
            for (const auto& milestone : target.milestones) {
                const auto at =
                    std::find(results_.periods.begin(), results_.periods.end(), milestone.year);
                if (at == results_.periods.end()) {
                    continue;
                }
                charts::Marker mark;
                mark.kind = charts::Marker::Kind::milestone;
                mark.value = milestone.value;
                mark.category = static_cast<std::size_t>(at - results_.periods.begin());
                mark.label = fmt::format("Milestone {}: {}", milestone.year,
                                         charts::format_value(milestone.value, spec.format));
                spec.markers.push_back(mark);
            }
            break;
        }
        return {spec, "PQ-01 (portfolio at risk > 30 days) per year for each region and all "
                      "regions; baseline, target and milestones from the targets file."};
    }

    GalleryChart column() const {
        auto spec =
            base(charts::ChartKind::column, name("OUT-01"),
                 fmt::format("{} and {}, by region",
                             results_.periods.empty() ? 0 : results_.periods.front(), last_));
        spec.format = format("OUT-01");
        spec.value_axis_title = short_name("OUT-01");
        const std::vector<int> years{results_.periods.empty() ? last_ : results_.periods.front(),
                                     last_};
        for (const int year : years) {
            charts::Series series;
            series.name = fmt::format("{}", year);
            for (const std::size_t scope : regions()) {
                series.values.push_back(value("OUT-01", scope, year));
            }
            spec.series.push_back(std::move(series));
        }
        for (const std::size_t scope : regions()) {
            spec.categories.push_back(results_.scopes[scope].label);
        }
        return {spec, "OUT-01 (active borrowers) by region, first and last year side by side."};
    }

    GalleryChart bar() const {
        auto spec =
            base(charts::ChartKind::bar, name("OUT-01"), fmt::format("{}, by region", last_));
        spec.format = format("OUT-01");
        spec.value_axis_title = short_name("OUT-01");
        spec.data_labels = true;
        charts::Series series;
        series.name = short_name("OUT-01");
        for (const std::size_t scope : regions()) {
            spec.categories.push_back(results_.scopes[scope].label);
            series.values.push_back(value("OUT-01", scope, last_));
        }
        spec.series.push_back(std::move(series));
        return {spec, "OUT-01 (active borrowers) by region in the last year, with data labels."};
    }

    GalleryChart regions_over_years(charts::ChartKind kind) const {
        const bool percent = kind == charts::ChartKind::percent_column;
        auto spec = base(kind, percent ? "Share of active borrowers by region" : name("OUT-01"),
                         fmt::format("{}, stacked by region", years_text()));
        spec.format = format("OUT-01");
        if (percent) {
            spec.format = charts::ValueFormat{};
            spec.format.kind = charts::ValueKind::percent;
        }
        spec.value_axis_title = percent ? "Share of borrowers" : short_name("OUT-01");
        spec.categories = year_labels();
        for (const std::size_t scope : regions()) {
            spec.series.push_back(over_years("OUT-01", scope));
        }
        return {spec, percent ? "OUT-01 (active borrowers) per year, each region's share of the "
                                "year's total."
                              : "OUT-01 (active borrowers) per year, stacked by region."};
    }

    GalleryChart women_and_men(charts::ChartKind kind) const {
        const bool percent = kind == charts::ChartKind::percent_bar;
        auto spec = base(kind,
                         percent ? "Women and men among active borrowers"
                                 : "Active borrowers, women and men",
                         fmt::format("{}, by region", last_));
        spec.format = format("OUT-01");
        if (percent) {
            spec.format = charts::ValueFormat{};
            spec.format.kind = charts::ValueKind::percent;
        }
        spec.value_axis_title = percent ? "Share of borrowers" : short_name("OUT-01");
        charts::Series women;
        women.name = "Women";
        charts::Series men;
        men.name = "Men";
        auto scopes = regions();
        scopes.push_back(results_.all_scope());
        for (const std::size_t scope : scopes) {
            spec.categories.push_back(results_.scopes[scope].label);
            const auto borrowers = value("OUT-01", scope, last_);
            const auto share = value("OUT-06", scope, last_);
            if (borrowers && share) {
                women.values.emplace_back(*borrowers * *share);
                men.values.emplace_back(*borrowers * (1 - *share));
            } else {
                women.values.emplace_back(std::nullopt);
                men.values.emplace_back(std::nullopt);
            }
        }
        spec.series.push_back(std::move(women));
        spec.series.push_back(std::move(men));
        return {spec, "OUT-01 (active borrowers) split by OUT-06 (share of women), by region."};
    }

    GalleryChart bullet() const {
        auto spec = base(charts::ChartKind::bullet, "Targets in percent",
                         fmt::format("{}: actual, expected on the path, and target", last_));
        spec.format.kind = charts::ValueKind::percent;
        spec.format.decimals = 1;
        for (const auto& result : assessment_.targets) {
            if (result.year != last_) {
                continue;
            }
            const auto* def = catalogue_.find(result.indicator);
            if (def == nullptr || def->unit != Unit::fraction) {
                continue; // one scale: the percentage targets only
            }
            const auto& target = assessment_.set.targets[result.target];
            charts::BulletItem item;
            item.label = def->short_name;
            if (result.scope != "all") {
                const auto scope = results_.scope_index(result.scope);
                item.label +=
                    fmt::format(" ({})", scope ? results_.scopes[*scope].label : result.scope);
            }
            item.actual = result.actual;
            item.expected = result.expected;
            item.target = target.target;
            item.baseline = target.baseline;
            item.status = std::string(status_name(result.status));
            item.status_text = std::string(status_word(result.status, spec_.language));
            spec.bullets.push_back(std::move(item));
        }
        return {spec, "Every target on a percentage indicator (targets file), evaluated for the "
                      "last year, with its status word."};
    }

    GalleryChart range() const {
        auto spec = base(charts::ChartKind::range, name("FIN-01"),
                         fmt::format("{}: median and interquartile range by peer group", last_));
        spec.format = format("FIN-01");
        spec.value_axis_title = short_name("FIN-01");
        for (std::size_t g = 1; g < results_.groupings.size(); ++g) {
            if (results_.groupings[g].name.find("institution") != std::string::npos) {
                continue; // one scope per institution: not a peer group
            }
            for (const std::size_t scope : results_.group_scopes(g)) {
                charts::RangeItem item;
                item.label = results_.scopes[scope].label;
                const auto* found = results_.find("FIN-01", scope, last_, Statistic::median);
                if (found != nullptr) {
                    item.p25 = found->p25;
                    item.median = found->value;
                    item.p75 = found->p75;
                    item.n = found->n;
                }
                spec.ranges.push_back(std::move(item));
            }
        }
        return {spec, "FIN-01 (operational self-sufficiency) median with P25 and P75 for each "
                      "peer group (legal form, age); medians with n < 3 are suppressed."};
    }

    GalleryChart scatter() const {
        auto spec = base(charts::ChartKind::scatter,
                         fmt::format("{} and {}", short_name("FIN-01"), short_name("PQ-01")),
                         fmt::format("{}, one point per institution", last_));
        spec.format = format("PQ-01");
        spec.x_format = format("FIN-01");
        spec.value_axis_title = name("PQ-01");
        spec.category_axis_title = name("FIN-01");
        std::map<std::string, charts::Series> by_region;
        struct Point {
            double par = 0;
            std::string region;
            std::size_t index = 0;
        };
        std::vector<Point> points;
        for (std::size_t g = 0; g < results_.groupings.size(); ++g) {
            if (results_.groupings[g].name != institution_grouping) {
                continue;
            }
            for (const std::size_t scope : results_.group_scopes(g)) {
                const auto& key = results_.scopes[scope].key;
                const std::string region = key_part(key, "region");
                auto& series = by_region[region];
                series.name = region;
                const auto x = value("FIN-01", scope, last_);
                const auto y = value("PQ-01", scope, last_);
                if (!x && !y) {
                    continue;
                }
                series.x.push_back(x);
                series.values.push_back(y);
                series.point_labels.push_back(key_part(key, "institution"));
                if (y) {
                    points.push_back({*y, region, series.values.size() - 1});
                }
            }
        }
        // Label the three highest PAR30 only: the others stay unlabelled to keep it legible.
        std::stable_sort(points.begin(), points.end(),
                         [](const Point& a, const Point& b) { return a.par > b.par; });
        std::map<std::string, std::vector<bool>> keep;
        for (std::size_t i = 0; i < points.size() && i < 3; ++i) {
            auto& flags = keep[points[i].region];
            flags.resize(by_region[points[i].region].values.size(), false);
            flags[points[i].index] = true;
        }
        for (auto& [region, series] : by_region) {
            auto& flags = keep[region];
            flags.resize(series.values.size(), false);
            for (std::size_t i = 0; i < series.point_labels.size(); ++i) {
                if (!flags[i]) {
                    series.point_labels[i].clear();
                }
            }
            spec.series.push_back(std::move(series));
        }
        return {spec, "FIN-01 (x) against PQ-01 (y) for each institution in the last year, one "
                      "series per region; the three highest PAR30 are labelled."};
    }

    GalleryChart donut() const {
        auto spec = base(charts::ChartKind::donut, name("OUT-01"),
                         fmt::format("{}, share of each region", last_));
        spec.format = format("OUT-01");
        charts::Series series;
        series.name = short_name("OUT-01");
        for (const std::size_t scope : regions()) {
            spec.categories.push_back(results_.scopes[scope].label);
            series.values.push_back(value("OUT-01", scope, last_));
        }
        spec.series.push_back(std::move(series));
        return {spec, "OUT-01 (active borrowers) by region in the last year, as shares."};
    }

    static GalleryChart scores(charts::ChartKind kind) {
        // The sample data has no social performance audits (SOC-11 needs them), so this is a
        // synthetic example shaped like an SPI4 audit: scores 0..1 on its six dimensions.
        charts::ChartSpec spec;
        spec.kind = kind;
        spec.title = "Social performance scores (SPI4-like, synthetic)";
        spec.subtitle = "Score per dimension, 0-100%";
        spec.format.kind = charts::ValueKind::percent;
        spec.categories = {
            "Define and monitor social goals",      "Committed leadership",
            "Client-centred products and services", "Treat clients responsibly",
            "Treat employees responsibly",          "Balance financial and social performance"};
        charts::Series institution;
        institution.name = "Example institution";
        institution.values = {0.72, 0.81, 0.64, 0.88, 0.59, 0.67};
        spec.series.push_back(std::move(institution));
        if (kind == charts::ChartKind::radar) {
            charts::Series peers;
            peers.name = "Peer median";
            peers.values = {0.61, 0.70, 0.66, 0.79, 0.63, std::nullopt};
            spec.series.push_back(std::move(peers));
        }
        spec.source_note = "Synthetic example: the sample data has no social performance audits.";
        return {spec, "Synthetic SPI4-like scores (the sample has no SOC-11 audits); the peer "
                      "median misses one dimension, drawn as missing."};
    }

    GalleryChart small_multiples() const {
        auto spec = base(charts::ChartKind::small_multiples, name("PQ-01"),
                         fmt::format("{}, one panel per region, shared scale", years_text()));
        spec.format = format("PQ-01");
        spec.panel_columns = 3;
        for (const std::size_t scope : regions()) {
            charts::ChartSpec panel;
            panel.kind = charts::ChartKind::line;
            panel.title = results_.scopes[scope].label;
            panel.format = spec.format;
            panel.categories = year_labels();
            panel.series.push_back(over_years("PQ-01", scope));
            spec.panels.push_back(std::move(panel));
        }
        return {spec, "PQ-01 per year, one small line chart per region on a shared scale."};
    }

    GalleryChart sparkline() const {
        auto spec = base(charts::ChartKind::sparkline, name("OUT-01"),
                         fmt::format("{}, all regions", years_text()));
        spec.format = format("OUT-01");
        spec.categories = year_labels();
        spec.series.push_back(over_years("OUT-01", results_.all_scope()));
        return {spec, "OUT-01 (active borrowers) of all regions per year, without axes, as in "
                      "a table cell."};
    }

    const ReportSpec& spec_;
    const Catalogue& catalogue_;
    const Results& results_;
    const Assessment& assessment_;
    int last_;
    std::string note_;
};

struct SurfaceDeleter {
    void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
struct ContextDeleter {
    void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};

// A4 landscape.
constexpr double page_width = 841.890;
constexpr double page_height = 595.276;
constexpr double margin = 40;
constexpr double chart_top = 110;

bool write_gallery_pdf(const std::vector<GalleryChart>& gallery, const std::string& path,
                       std::int64_t timestamp, Diagnostics& diagnostics) {
    PendingFile pending(path);
    if (!pending.created(diagnostics)) {
        return false;
    }
    CheckedOutput file(pending.temp_path());
    const std::unique_ptr<cairo_surface_t, SurfaceDeleter> surface(
        cairo_pdf_surface_create_for_stream(write_checked, &file, page_width, page_height));
    cairo_surface_t* pdf = surface.get();
    auto failed = [&](cairo_status_t status) {
        if (status == CAIRO_STATUS_SUCCESS) {
            return false;
        }
        diagnostics.error({path, 0, 0},
                          fmt::format("cannot write PDF: {}", cairo_status_to_string(status)));
        return true;
    };
    if (failed(cairo_surface_status(pdf))) {
        return false;
    }
    cairo_pdf_surface_restrict_to_version(pdf, CAIRO_PDF_VERSION_1_5);
    const std::string date = iso8601_utc(timestamp);
    const std::string creator = fmt::format("sfpgen {}", version);
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE, "sfpgen chart gallery");
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR, creator.c_str());
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATE_DATE, date.c_str());
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_MOD_DATE, date.c_str());
    {
        const std::unique_ptr<cairo_t, ContextDeleter> context(cairo_create(pdf));
        cairo_t* cr = context.get();
        const charts::Theme theme;
        for (std::size_t i = 0; i < gallery.size(); ++i) {
            const auto& item = gallery[i];
            const std::string kind = charts::kind_name(item.spec.kind);
            charts::TextStyle caption;
            caption.family = theme.font_family;
            caption.size = 16;
            caption.bold = true;
            const auto title = charts::make_text(cr, fmt::format("Chart kind: {}", kind), caption);
            charts::show_text(cr, title, margin, 36, 0.1, 0.1, 0.1);
            charts::TextStyle about;
            about.family = theme.font_family;
            about.size = 9;
            about.wrap_width = page_width - 2 * margin;
            const auto text = charts::make_text(cr, item.about, about);
            charts::show_text(cr, text, margin, 36 + title.height + 6, 0.38, 0.38, 0.38);
            charts::draw_chart(
                cr, charts::Box{margin, chart_top, gallery_chart_width, gallery_chart_height},
                item.spec, theme);
            about.align = charts::TextAlign::centre;
            about.size = 8;
            const auto footer = charts::make_text(
                cr, fmt::format("sfpgen chart gallery, page {} of {}", i + 1, gallery.size()),
                about);
            charts::show_text(cr, footer, margin, page_height - 30, 0.38, 0.38, 0.38);
            cairo_pdf_surface_add_outline(pdf, CAIRO_PDF_OUTLINE_ROOT, kind.c_str(),
                                          fmt::format("page={}", i + 1).c_str(),
                                          CAIRO_PDF_OUTLINE_FLAG_OPEN);
            cairo_show_page(cr);
        }
        if (failed(cairo_status(cr))) {
            return false;
        }
    }
    cairo_surface_finish(pdf);
    if (failed(cairo_surface_status(pdf))) {
        return false;
    }
    if (!file.close()) {
        diagnostics.error({path, 0, 0}, fmt::format("cannot write PDF: {}", file.error()));
        return false;
    }
    return pending.commit(diagnostics);
}

} // namespace

GalleryCharts gallery_charts(const std::string& config_path, Diagnostics& diagnostics) {
    GalleryCharts out;
    const auto spec = parse_config(config_path, diagnostics);
    if (!spec) {
        out.code = ExitCode::config;
        return out;
    }
    out.timestamp = epoch_of_date(spec->date);
    ExitCode definitions_code = ExitCode::ok;
    auto definitions = load_definitions(*spec, diagnostics, definitions_code);
    if (!definitions) {
        out.code = definitions_code;
        return out;
    }
    // One scope per institution (with its region) for the scatter chart.
    definitions->options.groupings.emplace_back(institution_grouping);
    const auto data = load_all_sources(*spec, diagnostics);
    if (!data) {
        out.code = load_failure_code(*spec, diagnostics);
        return out;
    }
    const Evaluation evaluation = evaluate(*definitions, *data);
    out.charts =
        Builder(*spec, definitions->catalogue, *data, evaluation.results, evaluation.assessment)
            .build();
    return out;
}

ExitCode build_gallery(const GalleryOptions& options, Diagnostics& diagnostics,
                       std::vector<std::string>& outputs) {
    const auto gallery = gallery_charts(options.config_path, diagnostics);
    if (gallery.code != ExitCode::ok) {
        return gallery.code;
    }
    if (!prepare_output_dir(options.output_dir, diagnostics)) {
        return ExitCode::output;
    }
    const std::filesystem::path dir(options.output_dir);
    bool ok = true;
    const std::string pdf = (dir / "gallery.pdf").string();
    if (write_gallery_pdf(gallery.charts, pdf,
                          options.source_date_epoch.value_or(gallery.timestamp), diagnostics)) {
        outputs.push_back(pdf);
    } else {
        ok = false;
    }
    const charts::Theme theme;
    for (const auto& item : gallery.charts) {
        const std::string png =
            (dir / fmt::format("gallery-{}.png", charts::kind_name(item.spec.kind))).string();
        std::string error;
        if (charts::write_png(item.spec, png, gallery_chart_width, gallery_chart_height,
                              options.dpi, theme, error)) {
            outputs.push_back(png);
        } else {
            diagnostics.error({png, 0, 0}, error);
            ok = false;
        }
    }
    return ok ? ExitCode::ok : ExitCode::output;
}

} // namespace sfp
