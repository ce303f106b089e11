#include "draw_internal.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

namespace charts::detail {

TextStyle style(const Theme& theme, double size, bool bold, double wrap_width) {
    TextStyle out;
    out.family = theme.font_family;
    out.size = size;
    out.bold = bold;
    out.wrap_width = wrap_width;
    return out;
}

Box draw_frame(Canvas& canvas, const Box& box, const ChartSpec& spec, const Theme& theme) {
    double top = box.y;
    if (!spec.title.empty()) {
        const TextStyle title = style(theme, theme.title_size, true, box.width);
        canvas.text(spec.title, title, box.x, top, ink, "title");
        top += canvas.measure(spec.title, title).height + 2;
    }
    if (!spec.subtitle.empty()) {
        const TextStyle subtitle = style(theme, theme.label_size, false, box.width);
        canvas.text(spec.subtitle, subtitle, box.x, top, grey, "subtitle");
        top += canvas.measure(spec.subtitle, subtitle).height + 2;
    }
    double bottom = box.y + box.height;
    if (!spec.source_note.empty()) {
        const TextStyle note = style(theme, theme.note_size, false, box.width);
        const double height = canvas.measure(spec.source_note, note).height;
        bottom -= height;
        canvas.text(spec.source_note, note, box.x, bottom, grey, "note");
        bottom -= 4;
    }
    return {box.x, top, box.width, std::max(0.0, bottom - top)};
}

void draw_marker(Canvas& canvas, std::size_t series_index, Point c, double size, const Rgb& colour,
                 std::string_view role) {
    const double half = size / 2;
    const Fill fill{colour, false};
    switch (series_index % 4) {
    case 0:
        canvas.circle(c, half, fill, role);
        break;
    case 1:
        canvas.rect({c.x - half, c.y - half, size, size}, fill, role);
        break;
    case 2: {
        const Point points[] = {{c.x, c.y - half * 1.15},
                                {c.x + half * 1.1, c.y + half * 0.85},
                                {c.x - half * 1.1, c.y + half * 0.85}};
        canvas.polygon(points, fill, role);
        break;
    }
    default: {
        const Point points[] = {{c.x, c.y - half * 1.2},
                                {c.x + half * 1.2, c.y},
                                {c.x, c.y + half * 1.2},
                                {c.x - half * 1.2, c.y}};
        canvas.polygon(points, fill, role);
        break;
    }
    }
}

std::string word(Word which, Locale locale) {
    // Columns: en, fr, es.
    static constexpr std::array<std::array<std::string_view, 3>, 9> words{{
        {"n/a", "n.d.", "n.d."},
        {"no data", "aucune donnée", "sin datos"},
        {"no room", "pas de place", "sin espacio"},
        {"more", "autres", "más"},
        {"(unnamed)", "(sans nom)", "(sin nombre)"},
        {"Target", "Cible", "Meta"},
        {"Baseline", "Référence", "Línea de base"},
        {"Milestone", "Jalon", "Hito"},
        {"no status", "sans statut", "sin estado"},
    }};
    std::size_t column = 0;
    switch (locale) {
    case Locale::en:
        column = 0;
        break;
    case Locale::fr:
        column = 1;
        break;
    case Locale::es:
        column = 2;
        break;
    }
    return std::string(words.at(static_cast<std::size_t>(which)).at(column));
}

std::string status_text(const std::string& status, Locale locale) {
    static constexpr std::array<std::array<std::string_view, 4>, 5> statuses{{
        {"on-track", "on track", "en bonne voie", "en buen camino"},
        {"at-risk", "at risk", "à risque", "en riesgo"},
        {"off-track", "off track", "hors trajectoire", "desviado"},
        {"no-data", "no data", "pas de données", "sin datos"},
        {"not-started", "not started", "non commencé", "no iniciado"},
    }};
    const std::size_t column = locale == Locale::fr ? 2 : locale == Locale::es ? 3 : 1;
    for (const auto& row : statuses) {
        if (row[0] == status) {
            return std::string(row.at(column));
        }
    }
    std::string out = status;
    std::replace(out.begin(), out.end(), '-', ' ');
    return out;
}

} // namespace charts::detail

namespace charts {

Rgb status_colour(const std::string& status, Rgb other) {
    if (status == "on-track") {
        return {0.000, 0.620, 0.451}; // bluish green
    }
    if (status == "at-risk") {
        return {0.902, 0.624, 0.000}; // orange
    }
    if (status == "off-track") {
        return {0.835, 0.369, 0.000}; // vermillion
    }
    return other;
}

} // namespace charts
