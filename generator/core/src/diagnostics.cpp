#include "sfp/diagnostics.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <numeric>

namespace sfp {

std::string to_string(const Diagnostic& diagnostic) {
    std::string out;
    const auto& where = diagnostic.where;
    if (!where.file.empty()) {
        out += where.file;
        if (where.line > 0) {
            out += fmt::format(":{}", where.line);
            if (where.column > 0) {
                out += fmt::format(":{}", where.column);
            }
        }
        out += ": ";
    }
    out += diagnostic.severity == Severity::error ? "error: " : "warning: ";
    out += diagnostic.message;
    if (!diagnostic.hint.empty()) {
        out += "\n  hint: " + diagnostic.hint;
    }
    return out;
}

void Diagnostics::error(SourcePos where, std::string message, std::string hint, std::string code) {
    items_.push_back(
        {Severity::error, std::move(where), std::move(message), std::move(hint), std::move(code)});
}

void Diagnostics::warning(SourcePos where, std::string message, std::string hint,
                          std::string code) {
    items_.push_back({Severity::warning, std::move(where), std::move(message), std::move(hint),
                      std::move(code)});
}

bool Diagnostics::has_errors() const {
    return error_count() > 0;
}

std::size_t Diagnostics::error_count() const {
    return static_cast<std::size_t>(std::count_if(
        items_.begin(), items_.end(), [](const auto& d) { return d.severity == Severity::error; }));
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> previous(b.size() + 1);
    std::vector<std::size_t> current(b.size() + 1);
    std::iota(previous.begin(), previous.end(), std::size_t{0});
    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
        }
        std::swap(previous, current);
    }
    return previous[b.size()];
}

namespace {

/// Characters two words share, counted with repetition ("KNE" and "KEN": 3, "KNE" and "HND": 1).
std::size_t shared_characters(std::string_view a, std::string_view b) {
    std::array<std::size_t, 256> counts{};
    for (const char c : a) {
        ++counts[static_cast<unsigned char>(c)];
    }
    std::size_t shared = 0;
    for (const char c : b) {
        auto& count = counts[static_cast<unsigned char>(c)];
        if (count > 0) {
            --count;
            ++shared;
        }
    }
    return shared;
}

} // namespace

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t best_distance = 0;
    std::size_t best_shared = 0;
    for (const auto& candidate : candidates) {
        const std::size_t distance = edit_distance(word, candidate);
        const std::size_t shared = shared_characters(word, candidate);
        // Ties go to the candidate with more letters in common: a transposition ("KNE" for
        // "KEN") costs two edits like two wrong letters ("HND") but keeps every letter.
        if (best.empty() || distance < best_distance ||
            (distance == best_distance && shared > best_shared)) {
            best = candidate;
            best_distance = distance;
            best_shared = shared;
        }
    }
    // A typo changes a few characters; beyond a third of the word it is a different word.
    const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
    return best_distance <= limit ? best : std::string{};
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
    const std::string match = closest_match(word, candidates);
    return match.empty() ? std::string{} : fmt::format("did you mean '{}'?", match);
}

} // namespace sfp
