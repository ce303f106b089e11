#include "sfp/sources.hpp"

#include "sfp/reference.hpp"
#include "sfp/store.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <memory>

namespace sfp {

std::optional<CountryResolver> country_resolver(const std::string& path, Diagnostics& diagnostics) {
    if (path.empty()) {
        return CountryResolver{};
    }
    auto table = CountryTable::load(path, diagnostics);
    if (!table) {
        return std::nullopt;
    }
    auto shared = std::make_shared<const CountryTable>(std::move(*table));
    return CountryResolver{
        [shared](std::string_view text, std::string_view code) -> std::optional<CountryMatch> {
            const Country* country = nullptr;
            if (code == "iso2") {
                country = shared->by_iso2(text);
            } else if (code == "iso3") {
                country = shared->by_iso3(text);
            } else {
                country = shared->resolve(text);
            }
            if (country == nullptr) {
                return std::nullopt;
            }
            return CountryMatch{country->iso3, country->wb_region};
        }};
}

ExitCode load_failure_code(const ReportSpec& spec, const Diagnostics& diagnostics) {
    const bool config_error = std::any_of(
        diagnostics.items().begin(), diagnostics.items().end(), [&](const Diagnostic& d) {
            return d.severity == Severity::error && d.where.file == spec.config_path;
        });
    return config_error ? ExitCode::config : ExitCode::data;
}

namespace {

std::optional<Dataset> load_sqlite(const SourceSpec& source, Diagnostics& diagnostics,
                                   const CountryResolver* countries) {
    auto store = Store::open(source.path, diagnostics, OpenMode::read_only);
    if (!store) {
        return std::nullopt;
    }
    if (source.table.empty() && source.query.empty()) {
        return store->load_current(diagnostics);
    }
    auto reader = store->query(source.table.empty() ? source.query : source.table, source.params,
                               diagnostics);
    if (!reader) {
        return std::nullopt;
    }
    return load_records(source, *reader, diagnostics, countries);
}

} // namespace

std::optional<Dataset> load_all_sources(const ReportSpec& spec, Diagnostics& diagnostics) {
    const auto resolver = country_resolver(spec.countries_path, diagnostics);
    if (!resolver) {
        return std::nullopt;
    }
    const CountryResolver* countries = *resolver ? &*resolver : nullptr;
    std::optional<Dataset> data;
    bool ok = true;
    for (const auto& source : spec.sources) {
        auto loaded = source.format == "sqlite" ? load_sqlite(source, diagnostics, countries)
                                                : load_source(source, diagnostics, countries);
        if (!loaded) {
            ok = false;
            continue;
        }
        if (!data) {
            data = std::move(loaded);
        } else if (data->kind != loaded->kind) {
            diagnostics.error(source.where,
                              fmt::format("source '{}' holds {} records, the sources before it "
                                          "{} records: a report reads one kind",
                                          source.name, record_kind_name(loaded->kind),
                                          record_kind_name(data->kind)));
            ok = false;
        } else {
            append(*data, std::move(*loaded));
        }
    }
    if (!ok || !data) {
        return std::nullopt;
    }
    validate_panel(*data);
    return data;
}

} // namespace sfp
