#include "charts/labels.hpp"

// Label placement (issue 5): see charts/labels.hpp.

#include <algorithm>
#include <cmath>
#include <numeric>

namespace charts {

namespace {

constexpr double epsilon = 1e-9;

/// sin 45 = cos 45.
const double diagonal = std::sqrt(0.5);

double sin_of(double angle) {
    return angle == 45 ? diagonal : angle == 90 ? 1.0 : 0.0;
}
double cos_of(double angle) {
    return angle == 45 ? diagonal : angle == 90 ? 0.0 : 1.0;
}

/// The width a label takes along its text under `plan` (before rotation).
double plan_width(const LabelSize& size, const AxisLabelPlan& plan) {
    double width = size.width;
    if (plan.wrap_width > 0) {
        width = std::min(width, plan.wrap_width);
    }
    if (plan.max_width > 0) {
        width = std::min(width, plan.max_width);
    }
    return width;
}

/// The height a label takes below the axis under `plan`.
double plan_depth(const LabelSize& size, const AxisLabelPlan& plan, double line_height) {
    if (plan.angle == 0) {
        const double text = plan.max_width > 0 ? std::min(size.width, plan.max_width) : size.width;
        if (plan.wrap_width > 0 && text > plan.wrap_width) {
            return wrapped_lines(text, plan.wrap_width) * std::max(line_height, 0.0);
        }
        return size.height;
    }
    const double width = plan_width(size, plan);
    return width * sin_of(plan.angle) + size.height * cos_of(plan.angle);
}

/// The indices shown under step `step` (see is_label_shown).
std::vector<std::size_t> shown_indices(std::size_t count, std::size_t step) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < count; ++i) {
        if (is_label_shown(AxisLabelPlan{0, 0, step, 0, 0}, i, count)) {
            out.push_back(i);
        }
    }
    return out;
}

struct Fit {
    bool separated = false;
    double height = 0;
};

/// Whether the shown labels keep `gap` apart under `plan`, and the height they need.
Fit evaluate(std::span<const LabelSize> sizes, const AxisLabelPlan& plan, double slot_width,
             double line_height, double gap) {
    Fit fit;
    fit.separated = true;
    const auto shown = shown_indices(sizes.size(), plan.step);
    for (const std::size_t i : shown) {
        fit.height = std::max(fit.height, plan_depth(sizes[i], plan, line_height));
    }
    if (sizes.size() == 1) {
        // A single label has its whole slot (the plot width): it must fit in it.
        fit.separated = plan.angle != 0 || plan_width(sizes[0], plan) + gap <= slot_width + epsilon;
        return fit;
    }
    for (std::size_t k = 1; k < shown.size(); ++k) {
        const LabelSize& a = sizes[shown[k - 1]];
        const LabelSize& b = sizes[shown[k]];
        const double distance = static_cast<double>(shown[k] - shown[k - 1]) * slot_width;
        // Labels are parallel: at 0 degrees they are apart along the text; rotated, they are
        // apart across it by distance x sin(angle) whatever their lengths.
        const bool apart =
            plan.angle == 0
                ? (plan_width(a, plan) + plan_width(b, plan)) / 2 + gap <= distance + epsilon
                : (a.height + b.height) / 2 + gap <= distance * sin_of(plan.angle) + epsilon;
        if (!apart) {
            fit.separated = false;
            break;
        }
    }
    return fit;
}

} // namespace

double wrapped_lines(double width, double wrap_width) {
    if (!(wrap_width > 0) || width <= wrap_width + epsilon) {
        return 1;
    }
    return std::ceil(width / (wrap_width * wrap_fill) - epsilon);
}

bool is_label_shown(const AxisLabelPlan& plan, std::size_t index, std::size_t count) {
    if (index >= count) {
        return false;
    }
    const std::size_t step = std::max<std::size_t>(plan.step, 1);
    const std::size_t last = count - 1;
    if (index == 0 || index == last) {
        return true;
    }
    // Every step-th label, except one closer than `step` to the last (which is always shown).
    return index % step == 0 && last - index >= step;
}

AxisLabelPlan plan_axis_labels(std::span<const LabelSize> sizes, double slot_width,
                               double max_height, double line_height, double gap) {
    AxisLabelPlan best;
    if (sizes.empty()) {
        return best;
    }
    double widest = 0;
    double tallest = 0;
    for (const LabelSize& size : sizes) {
        widest = std::max(widest, size.width);
        tallest = std::max(tallest, size.height);
    }
    if (!(line_height > 0)) {
        line_height = tallest;
    }
    const std::size_t count = sizes.size();
    const bool single = count == 1;
    const std::size_t last_step = std::max<std::size_t>(count - 1, 1);
    // Ellipsis is preferred to thinning further while it keeps this much of the text.
    const double keep = std::min(widest, min_ellipsis_lines * line_height);

    const auto accept = [&](AxisLabelPlan plan,
                            double minimum_width) -> std::optional<AxisLabelPlan> {
        const Fit fit = evaluate(sizes, plan, slot_width, line_height, gap);
        if (!fit.separated || fit.height > max_height + epsilon) {
            return std::nullopt;
        }
        if (plan.max_width > 0 && plan.max_width + epsilon < minimum_width) {
            return std::nullopt;
        }
        plan.height_needed = fit.height;
        return plan;
    };
    // The widest ellipsis that fits at `step`, keeping at least `minimum_width`.
    const auto ellipsised = [&](std::size_t step, double minimum_width) {
        std::optional<AxisLabelPlan> chosen;
        const auto spacing = static_cast<double>(step) * slot_width;
        for (const double angle : {0.0, 45.0, 90.0}) {
            if (single && angle != 0) {
                continue;
            }
            double width = angle == 0    ? spacing - gap
                           : angle == 45 ? (max_height - tallest * diagonal) / diagonal
                                         : max_height;
            width = std::min(width, widest);
            if (!(width > 0)) {
                continue;
            }
            const auto plan = accept(AxisLabelPlan{angle, 0, step, width, 0}, minimum_width);
            if (plan && (!chosen || plan->max_width > chosen->max_width + epsilon)) {
                chosen = plan;
            }
        }
        // Wrapped on max_lines lines, cut to what those lines hold.
        const double wrap = spacing - gap;
        const double text = std::min(widest, max_lines * wrap_fill * wrap);
        if (wrap > 0 && widest > wrap) {
            const auto plan = accept(AxisLabelPlan{0, wrap, step, text, 0}, minimum_width);
            if (plan && (!chosen || plan->max_width > chosen->max_width + epsilon)) {
                chosen = plan;
            }
        }
        return chosen;
    };

    for (std::size_t step = 1; step <= last_step; ++step) {
        const auto spacing = static_cast<double>(step) * slot_width;
        if (auto plan = accept(AxisLabelPlan{0, 0, step, 0, 0}, 0)) {
            return *plan;
        }
        const double wrap = spacing - gap;
        if (wrap > 0 && widest > wrap &&
            wrapped_lines(widest, wrap) <= static_cast<double>(max_lines)) {
            if (auto plan = accept(AxisLabelPlan{0, wrap, step, 0, 0}, 0)) {
                return *plan;
            }
        }
        if (!single) {
            for (const double angle : {45.0, 90.0}) {
                if (auto plan = accept(AxisLabelPlan{angle, 0, step, 0, 0}, 0)) {
                    return *plan;
                }
            }
        }
        if (auto plan = ellipsised(step, keep)) {
            return *plan;
        }
    }
    // Nothing keeps enough text: the widest ellipsis that fits with only the first and the last
    // label, or, when not even that fits, upright labels cut to the height (overlapping).
    if (auto plan = ellipsised(last_step, 0)) {
        return *plan;
    }
    best.angle = single ? 0 : 90;
    best.step = last_step;
    best.max_width = single ? std::max(slot_width - gap, 0.0)
                            : std::min(widest, std::max(max_height, line_height));
    if (!(best.max_width > 0)) {
        best.max_width = widest;
    }
    best.height_needed = evaluate(sizes, best, slot_width, line_height, gap).height;
    return best;
}

namespace {

/// Number of bytes of the UTF-8 character starting at text[i] (1 for a stray byte).
std::size_t char_length(const std::string& text, std::size_t i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 1;
    if (lead >= 0xF0 && lead < 0xF8) {
        length = 4;
    } else if (lead >= 0xE0) {
        length = lead < 0xF0 ? 3 : 1;
    } else if (lead >= 0xC0) {
        length = 2;
    }
    if (i + length > text.size()) {
        return 1;
    }
    for (std::size_t k = 1; k < length; ++k) {
        if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) {
            return 1;
        }
    }
    return length;
}

/// The code point of the (valid) UTF-8 character at text[i] of `length` bytes.
char32_t code_point(const std::string& text, std::size_t i, std::size_t length) {
    const auto byte = [&](std::size_t k) {
        return static_cast<char32_t>(static_cast<unsigned char>(text[i + k]));
    };
    switch (length) {
    case 2:
        return ((byte(0) & 0x1F) << 6) | (byte(1) & 0x3F);
    case 3:
        return ((byte(0) & 0x0F) << 12) | ((byte(1) & 0x3F) << 6) | (byte(2) & 0x3F);
    case 4:
        return ((byte(0) & 0x07) << 18) | ((byte(1) & 0x3F) << 12) | ((byte(2) & 0x3F) << 6) |
               (byte(3) & 0x3F);
    default:
        return byte(0);
    }
}

/// Combining marks and joiners belong to the character before them: never cut before one.
bool extends_previous(char32_t c) {
    return (c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
           (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
           (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xFE20 && c <= 0xFE2F) || c == 0x200D ||
           (c >= 0x0610 && c <= 0x061A) || (c >= 0x064B && c <= 0x065F) || c == 0x0670;
}

} // namespace

std::string ellipsise(const std::string& text, double max_width,
                      const std::function<double(const std::string&)>& measure) {
    if (measure(text) <= max_width) {
        return text;
    }
    static const std::string ellipsis = "\xE2\x80\xA6"; // U+2026
    // Byte offsets where the text may be cut: after whole characters with their marks.
    std::vector<std::size_t> cuts;
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t length = char_length(text, i);
        if (i > 0 && !extends_previous(code_point(text, i, length))) {
            cuts.push_back(i);
        }
        i += length;
    }
    const auto candidate = [&](std::size_t cut) {
        std::string head = text.substr(0, cut);
        while (!head.empty() && (head.back() == ' ' || head.back() == '\t')) {
            head.pop_back(); // "Côte d'…" rather than "Côte …"
        }
        return head + ellipsis;
    };
    // Binary search for the longest prefix that fits (measure grows with the prefix).
    std::size_t low = 0; // cuts[0..low) fit
    std::size_t high = cuts.size();
    while (low < high) {
        const std::size_t middle = (low + high) / 2;
        if (measure(candidate(cuts[middle])) <= max_width) {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    if (low > 0) {
        return candidate(cuts[low - 1]);
    }
    return measure(ellipsis) <= max_width ? ellipsis : std::string{};
}

std::vector<double> spread_labels(std::span<const double> wanted, std::span<const double> heights,
                                  double top, double bottom, double gap) {
    const std::size_t count = std::min(wanted.size(), heights.size());
    std::vector<double> out(count, top);
    if (count == 0) {
        return out;
    }
    // Order by wanted position (ties keep input order); missing positions go to the top.
    std::vector<std::size_t> order(count);
    std::iota(order.begin(), order.end(), std::size_t{0});
    const auto want = [&](std::size_t i) { return std::isfinite(wanted[i]) ? wanted[i] : top; };
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return want(a) < want(b); });
    double total = 0;
    for (std::size_t k = 0; k < count; ++k) {
        total += std::max(heights[order[k]], 0.0);
    }
    const double room = bottom - top;
    if (count > 1) {
        // Too little room for the gaps: shrink them; for the labels themselves: they overlap.
        gap = std::clamp((room - total) / static_cast<double>(count - 1), 0.0, std::max(gap, 0.0));
    }
    if (total > room) {
        // Not enough room even without gaps: spread the top edges evenly, all inside.
        for (std::size_t k = 0; k < count; ++k) {
            const double h = std::max(heights[order[k]], 0.0);
            const double fraction =
                count > 1 ? static_cast<double>(k) / static_cast<double>(count - 1) : 0.0;
            out[order[k]] = std::clamp(top + fraction * (room - h), top, std::max(top, bottom - h));
        }
        return out;
    }
    // With offset_k = sum of the heights and gaps above label k, q_k = p_k - offset_k must be
    // non-decreasing and within [top, bottom - offset_last - h_last]. The least-squares
    // movement is the isotonic regression of wanted_k - offset_k (pool adjacent violators),
    // clamped to those bounds.
    std::vector<double> offset(count, 0.0);
    for (std::size_t k = 1; k < count; ++k) {
        offset[k] = offset[k - 1] + std::max(heights[order[k - 1]], 0.0) + gap;
    }
    const double upper = bottom - offset[count - 1] - std::max(heights[order[count - 1]], 0.0);
    struct Block {
        double sum;
        double size;
        [[nodiscard]] double mean() const { return sum / size; }
    };
    std::vector<Block> blocks;
    for (std::size_t k = 0; k < count; ++k) {
        blocks.push_back({want(order[k]) - offset[k], 1.0});
        while (blocks.size() > 1 && blocks[blocks.size() - 2].mean() > blocks.back().mean()) {
            const Block merged{blocks[blocks.size() - 2].sum + blocks.back().sum,
                               blocks[blocks.size() - 2].size + blocks.back().size};
            blocks.pop_back();
            blocks.back() = merged;
        }
    }
    std::size_t k = 0;
    for (const Block& block : blocks) {
        const double q = std::clamp(block.mean(), top, std::max(top, upper));
        for (std::size_t n = 0; n < static_cast<std::size_t>(block.size); ++n, ++k) {
            out[order[k]] = q + offset[k];
        }
    }
    return out;
}

} // namespace charts
