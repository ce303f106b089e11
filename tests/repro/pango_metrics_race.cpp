// pango_metrics_race: a standalone reproducer of the Pango 1.50.12 race that made `--jobs 2`
// batches justify paragraphs differently from `--jobs 1` (docs/architecture.md, "Threads";
// docs/performance.md, "Issue 9: the fourth session"). Not built by CMake: it is kept to check
// a new Pango (and for an upstream report), not to test sfpgen.
//
//   g++ -O1 -g -std=c++20 tests/repro/pango_metrics_race.cpp -o /tmp/pango_metrics_race \
//       $(pkg-config --cflags --libs pangocairo cairo-pdf harfbuzz) -lhyphen -pthread
//   /tmp/pango_metrics_race --rounds=200 --verbose=0 [--lock=none|all|size|warmmet|first|...]
//
// Each round starts two threads, each with its own PDF surface and Pango contexts, laying out
// 628 texts like sfpgen's (justified, hyphenated English and French paragraphs, number cells,
// Arabic, chart labels) and compares every layout with a one-thread reference. On Debian 12
// (Pango 1.50.12), 29 November 2026: --lock=none 117 bad rounds in 200; --lock=all, size,
// warmmet (metrics computed under the lock first) and first (the first layout of each font
// locked) none. The cause is `static int in_get_metrics;` in pangocairo-font.c (a
// process-wide recursion guard in _pango_cairo_font_get_metrics); Pango rebuilt with
// `static __thread int in_get_metrics;` gave no bad round without any lock.
// The upstream report, ready to file: tests/repro/pango-upstream-report.md.

// Standalone reproducer for a suspected Pango 1.50 race: two threads, each with its own PDF
// surface and Pango contexts, lay out the same justified hyphenated paragraphs; compare every
// layout's lines/glyphs with a one-thread reference.
#include <algorithm>
#include <atomic>
#include <cairo-pdf.h>
#include <cairo.h>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <hb.h>
#include <hyphen.h>
#include <mutex>
#include <pango/pangocairo.h>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

struct Spec {
    std::string text;
    double size;
    bool bold;
    double wrap; // 0: no wrap
    int align;   // 0 left 1 right 2 centre
    bool justify;
    double spacing;
    bool rtl;
    bool chart; // made like charts::make_text (pango_cairo_create_layout(cr))
};

static std::vector<Spec> g_specs;
static std::vector<std::string> g_ref;
static std::mutex g_lock;

// Lock points (bit flags)
enum : unsigned {
    L_ALL = 1,       // whole layout creation + measurement + iteration (like sfpgen)
    L_CTX = 2,       // pango_cairo_create_context / surface creation
    L_SIZE = 4,      // pango_layout_get_size only
    L_ITER = 8,      // iteration (reading lines/glyphs)
    L_WARM = 16,     // warm up: load every font (size x weight) once under the lock
    L_WARMLAY = 32,  // warm up: lay out a sample text in every font under the lock
    L_SETTEXT = 64,  // pango_layout_new .. set_text
    L_WARMMET = 128, // warm up: pango_font_get_metrics for every font x language under the lock
    L_FIRST = 256,   // lock get_size only for the first layout of a (size, weight, dir) in a thread
};
static bool g_warmmet_nolock = false;
static long g_zero = 0;
static long g_zero_ok = 0;
static bool g_diag = false; // add metrics/hb/font-option fields to the signature
static unsigned g_locks = 0;
static bool g_warm_nolock = false; // warm-up without any lock
static int g_hint_metrics = -1;    // force hint metrics on contexts (-1: surface default)
static bool g_image_surface = false;

struct MaybeLock {
    bool on;
    explicit MaybeLock(bool o) : on(o) {
        if (on)
            g_lock.lock();
    }
    ~MaybeLock() {
        if (on)
            g_lock.unlock();
    }
};

static cairo_status_t null_write(void*, const unsigned char*, unsigned int) {
    return CAIRO_STATUS_SUCCESS;
}

static void append_i(std::string& s, long v) {
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%ld,", v);
    s.append(buf, n);
}

static void set_font(PangoLayout* layout, const Spec& sp) {
    PangoFontDescription* font = pango_font_description_new();
    pango_font_description_set_family(font, "DejaVu Sans");
    pango_font_description_set_absolute_size(font, sp.size * PANGO_SCALE);
    pango_font_description_set_weight(font, sp.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(layout, font);
    pango_font_description_free(font);
}

static thread_local bool t_zero = false; // last layout had a run whose font reports approx width 0

static std::string describe(PangoLayout* layout, int w, int h) {
    std::string s;
    t_zero = false;
    append_i(s, w);
    append_i(s, h);
    s += "|";
    PangoLayoutIter* iter = pango_layout_get_iter(layout);
    do {
        PangoLayoutLine* line = pango_layout_iter_get_line_readonly(iter);
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(iter, nullptr, &logical);
        s += "\nL";
        append_i(s, line->start_index);
        append_i(s, line->length);
        append_i(s, logical.x);
        append_i(s, logical.width);
        append_i(s, pango_layout_iter_get_baseline(iter));
    } while (pango_layout_iter_next_line(iter));
    pango_layout_iter_free(iter);
    iter = pango_layout_get_iter(layout);
    do {
        PangoGlyphItem* run = pango_layout_iter_get_run_readonly(iter);
        if (!run) {
            s += "\nR-";
            continue;
        }
        PangoFontDescription* fd = pango_font_describe(run->item->analysis.font);
        char* fds = pango_font_description_to_string(fd);
        s += "\nR";
        append_i(s, run->item->offset);
        append_i(s, run->item->length);
        append_i(s, run->item->analysis.flags);
        {
            PangoFontMetrics* m =
                pango_font_get_metrics(run->item->analysis.font, run->item->analysis.language);
            if (pango_font_metrics_get_approximate_char_width(m) == 0)
                t_zero = true;
            pango_font_metrics_unref(m);
        }
        if (g_diag) {
            PangoFont* f = run->item->analysis.font;
            hb_font_t* hb = pango_font_get_hb_font(f);
            int xs = 0, ys = 0;
            hb_font_get_scale(hb, &xs, &ys);
            hb_codepoint_t g = 0;
            hb_font_get_nominal_glyph(hb, 0x2010, &g);
            {
                PangoFontMetrics* m = pango_font_get_metrics(f, run->item->analysis.language);
                s += "m";
                append_i(s, pango_font_metrics_get_approximate_char_width(m));
                pango_font_metrics_unref(m);
            }
            s += "h";
            {
                cairo_scaled_font_t* sf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(f));
                cairo_font_options_t* o = cairo_font_options_create();
                cairo_scaled_font_get_font_options(sf, o);
                append_i(s, cairo_font_options_get_hint_metrics(o));
                append_i(s, cairo_font_options_get_hint_style(o));
                cairo_font_options_destroy(o);
            }
            append_i(s, xs);
            append_i(s, hb_font_get_glyph_h_advance(hb, g));
            append_i(s, (long)(uintptr_t)hb_font_get_face(hb) & 0);
        }
        s += fds;
        s += ":";
        g_free(fds);
        pango_font_description_free(fd);
        for (int i = 0; i < run->glyphs->num_glyphs; ++i) {
            const PangoGlyphInfo& g = run->glyphs->glyphs[i];
            append_i(s, g.glyph);
            append_i(s, g.geometry.width);
            append_i(s, g.geometry.x_offset);
            s += ";";
        }
    } while (pango_layout_iter_next_run(iter));
    pango_layout_iter_free(iter);
    return s;
}

struct ThreadState {
    cairo_surface_t* surface = nullptr;
    cairo_t* cr = nullptr;
    PangoContext* ltr = nullptr;
    PangoContext* rtl = nullptr;
};

static void apply_hint(PangoContext* c) {
    if (g_hint_metrics < 0)
        return;
    cairo_font_options_t* o = cairo_font_options_create();
    const cairo_font_options_t* cur = pango_cairo_context_get_font_options(c);
    if (cur)
        cairo_font_options_merge(o, cur);
    cairo_font_options_set_hint_metrics(o, g_hint_metrics ? CAIRO_HINT_METRICS_ON
                                                          : CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options(c, o);
    cairo_font_options_destroy(o);
}

static void open_state(ThreadState& st) {
    MaybeLock l(g_locks & L_CTX);
    if (g_image_surface)
        st.surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 600, 800);
    else
        st.surface = cairo_pdf_surface_create_for_stream(null_write, nullptr, 595, 842);
    st.cr = cairo_create(st.surface);
    st.ltr = pango_cairo_create_context(st.cr);
    st.rtl = pango_cairo_create_context(st.cr);
    pango_context_set_base_dir(st.rtl, PANGO_DIRECTION_RTL);
    apply_hint(st.ltr);
    apply_hint(st.rtl);
}

static void close_state(ThreadState& st) {
    g_object_unref(st.ltr);
    g_object_unref(st.rtl);
    cairo_destroy(st.cr);
    cairo_surface_finish(st.surface);
    cairo_surface_destroy(st.surface);
}

static std::string lay(ThreadState& st, const Spec& sp) {
    MaybeLock all(g_locks & L_ALL);
    PangoLayout* layout;
    {
        MaybeLock l(g_locks & L_SETTEXT);
        if (sp.chart) {
            layout = pango_cairo_create_layout(st.cr);
        } else {
            layout = pango_layout_new(sp.rtl ? st.rtl : st.ltr);
        }
        set_font(layout, sp);
        if (!sp.chart)
            pango_layout_set_auto_dir(layout, FALSE);
        if (sp.wrap > 0) {
            pango_layout_set_width(layout, static_cast<int>(sp.wrap * PANGO_SCALE));
            pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
        }
        pango_layout_set_alignment(layout, sp.align == 1   ? PANGO_ALIGN_RIGHT
                                           : sp.align == 2 ? PANGO_ALIGN_CENTER
                                                           : PANGO_ALIGN_LEFT);
        pango_layout_set_justify(layout, sp.justify);
        if (sp.spacing != 1.0)
            pango_layout_set_line_spacing(layout, (float)sp.spacing);
        pango_layout_set_text(layout, sp.text.c_str(), -1);
    }
    int w = 0, h = 0;
    bool first = false;
    if (g_locks & L_FIRST) {
        thread_local std::vector<std::tuple<double, bool, bool>> seen_keys;
        thread_local ThreadState* owner = nullptr;
        if (owner != &st) {
            owner = &st;
            seen_keys.clear();
        }
        std::tuple<double, bool, bool> k{sp.size, sp.bold, sp.rtl};
        if (std::find(seen_keys.begin(), seen_keys.end(), k) == seen_keys.end()) {
            seen_keys.push_back(k);
            first = true;
        }
    }
    {
        MaybeLock l((g_locks & L_SIZE) || first);
        pango_layout_get_size(layout, &w, &h);
    }
    std::string out;
    {
        MaybeLock l(g_locks & L_ITER);
        out = describe(layout, w, h);
    }
    g_object_unref(layout);
    return out;
}

static void warm_metrics(ThreadState& st) {
    const bool lk = (g_locks & L_WARMMET) != 0;
    if (!lk && !g_warmmet_nolock)
        return;
    MaybeLock l(lk);
    PangoLanguage* langs[] = {pango_context_get_language(st.ltr), pango_language_from_string("ar")};
    std::vector<std::pair<double, bool>> seen;
    for (const Spec& sp : g_specs) {
        std::pair<double, bool> k{sp.size, sp.bold};
        if (std::find(seen.begin(), seen.end(), k) != seen.end())
            continue;
        seen.push_back(k);
        PangoFontDescription* font = pango_font_description_new();
        pango_font_description_set_family(font, "DejaVu Sans");
        pango_font_description_set_absolute_size(font, sp.size * PANGO_SCALE);
        pango_font_description_set_weight(font, sp.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
        PangoFont* f = pango_context_load_font(st.ltr, font);
        for (PangoLanguage* lang : langs)
            pango_font_metrics_unref(pango_font_get_metrics(f, lang));
        g_object_unref(f);
        pango_font_description_free(font);
    }
}

static void warm(ThreadState& st) {
    warm_metrics(st);
    const bool lk = (g_locks & (L_WARM | L_WARMLAY)) != 0;
    if (!lk && !g_warm_nolock)
        return;
    MaybeLock l(lk);
    std::vector<std::pair<double, bool>> seen;
    for (const Spec& sp : g_specs) {
        std::pair<double, bool> k{sp.size, sp.bold};
        if (std::find(seen.begin(), seen.end(), k) != seen.end())
            continue;
        seen.push_back(k);
        if ((g_locks & L_WARMLAY) || g_warm_nolock) {
            Spec s2 = sp;
            s2.text = "Warm up 0123456789 ,.%- hy\u00adphen\u00adated w\u00e9\u00e8";
            s2.wrap = 40;
            s2.justify = true;
            s2.chart = false;
            s2.rtl = false;
            PangoLayout* layout = pango_layout_new(st.ltr);
            set_font(layout, s2);
            pango_layout_set_width(layout, 40 * PANGO_SCALE);
            pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
            pango_layout_set_justify(layout, TRUE);
            pango_layout_set_text(layout, s2.text.c_str(), -1);
            int w, h;
            pango_layout_get_size(layout, &w, &h);
            g_object_unref(layout);
        } else {
            PangoFontDescription* font = pango_font_description_new();
            pango_font_description_set_family(font, "DejaVu Sans");
            pango_font_description_set_absolute_size(font, sp.size * PANGO_SCALE);
            pango_font_description_set_weight(font,
                                              sp.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
            PangoFont* f = pango_context_load_font(st.ltr, font);
            if (f) {
                PangoRectangle ink, logical;
                pango_font_get_glyph_extents(f, 3, &ink, &logical);
                (void)pango_font_get_hb_font(f);
                g_object_unref(f);
            }
            pango_font_description_free(font);
        }
    }
}

// Runs all specs in `order` and returns how many differ from the reference.
struct Result {
    int mismatches = 0;
    int first_bad = -1;
    int zero_metric = 0; // mismatching layouts whose runs report approximate_char_width 0
    int zero_ok = 0;     // matching layouts with such a run
    std::string first_text;
};

static Result run_all(const std::vector<int>& order, bool record, int repeat) {
    ThreadState st;
    open_state(st);
    warm(st);
    Result r;
    for (int rep = 0; rep < repeat; ++rep) {
        for (int i : order) {
            std::string d = lay(st, g_specs[i]);
            if (!record && t_zero && d == g_ref[i])
                ++r.zero_ok;
            if (record) {
                g_ref[i] = d;
            } else if (d != g_ref[i]) {
                ++r.mismatches;
                if (t_zero)
                    ++r.zero_metric;
                if (r.first_bad < 0) {
                    r.first_bad = i;
                    r.first_text = d;
                }
            }
        }
    }
    close_state(st);
    return r;
}

// ---- texts ----
static HyphenDict* g_en;
static HyphenDict* g_fr;

static std::string hyphenate(const std::string& text, HyphenDict* dict) {
    // Insert U+00AD in words of >= 6 ASCII/Latin-1 letters (dictionaries are UTF-8).
    std::string out;
    size_t i = 0;
    while (i < text.size()) {
        size_t j = i;
        while (j < text.size() &&
               (isalpha((unsigned char)text[j]) || (unsigned char)text[j] >= 0x80))
            ++j;
        if (j == i) {
            out += text[i++];
            continue;
        }
        std::string word = text.substr(i, j - i);
        if (word.size() >= 6) {
            std::string lower = word;
            for (auto& c : lower)
                c = (char)tolower((unsigned char)c);
            std::vector<char> hy(lower.size() + 5);
            char** rep = nullptr;
            int* pos = nullptr;
            int* cut = nullptr;
            hnj_hyphen_hyphenate2(dict, lower.c_str(), (int)lower.size(), hy.data(), nullptr, &rep,
                                  &pos, &cut);
            for (size_t k = 0; k < word.size(); ++k) {
                out += word[k];
                if ((hy[k] & 1) && k + 2 < word.size() && k >= 1 &&
                    ((unsigned char)word[k + 1] & 0xC0) != 0x80)
                    out += "\u00ad";
            }
            if (rep) {
                for (size_t k = 0; k < lower.size(); ++k)
                    if (rep[k])
                        free(rep[k]);
                free(rep);
                free(pos);
                free(cut);
            }
        } else {
            out += word;
        }
        i = j;
    }
    return out;
}

static void make_specs() {
    const char* en[] = {
        "The institution's portfolio at risk rose to 4.7 percent in the third quarter, driven by "
        "agricultural loans in the northern branches, while operational self-sufficiency remained "
        "comfortably above the regulatory threshold and the governance committee recommended "
        "strengthening the monitoring of restructured loans.",
        "Notwithstanding considerable macroeconomic uncertainty, management implemented "
        "comprehensive organisational restructuring, reinforcing accountability, "
        "transparency and internationally recognised reporting standards throughout.",
        "Outstanding microfinance liabilities, disproportionately concentrated amongst "
        "agricultural cooperatives, necessitated extraordinary provisioning.",
        "Short text.",
    };
    const char* fr[] = {
        "Le portefeuille à risque de l'institution a augmenté de 4,7 pour cent au troisième "
        "trimestre, principalement en raison des prêts agricoles dans les agences du nord, tandis "
        "que l'autosuffisance opérationnelle est restée confortablement supérieure au seuil "
        "réglementaire.",
        "Nonobstant une incertitude macroéconomique considérable, la direction a mis en œuvre une "
        "restructuration organisationnelle approfondie, renforçant la responsabilisation, la "
        "transparence et les normes internationalement reconnues.",
        "Les engagements extraordinairement concentrés auprès des coopératives agricoles "
        "nécessitaient des provisionnements exceptionnels.",
    };
    const char* ar[] = {"تقرير الأداء المالي للمؤسسة في الربع الثالث", "محفظة القروض 4.7 بالمئة"};
    const char* nums[] = {"1,234,567", "12.3%", "-0.45", "(1,204.00)", "98.76 %",
                          "2 345 678", "0.0%",  "n/a",   "Q3 2025",    "15,000.5"};
    const double sizes[] = {7, 8, 8.5, 9, 10, 10.5, 11, 12, 14};
    const double wraps[] = {72, 96, 118.5, 150, 187.3, 240, 300, 451.3};
    std::mt19937 rng(42);
    for (int round = 0; round < 2; ++round) {
        for (const char* t : en)
            for (double s : sizes)
                for (double w : wraps) {
                    if (rng() % 3)
                        continue;
                    g_specs.push_back({hyphenate(t, g_en), s, rng() % 4 == 0, w, 0, true,
                                       rng() % 3 == 0 ? 1.2 : 1.0, false, false});
                }
        for (const char* t : fr)
            for (double s : sizes)
                for (double w : wraps) {
                    if (rng() % 3)
                        continue;
                    g_specs.push_back({hyphenate(t, g_fr), s, rng() % 4 == 0, w, 0, true,
                                       rng() % 3 == 0 ? 1.15 : 1.0, false, false});
                }
    }
    for (const char* t : ar)
        for (double s : sizes)
            g_specs.push_back({t, s, false, 200, 1, true, 1.0, true, false});
    for (const char* t : nums)
        for (double s : sizes) {
            g_specs.push_back({t, s, false, 0, 1, false, 1.0, false, false});
            g_specs.push_back({t, s, true, 0, 1, false, 1.0, false, false});
            g_specs.push_back({t, s, false, 0, 2, false, 1.0, false, true}); // chart-like
        }
    for (const char* t : en)
        g_specs.push_back({t, 9, false, 120, 0, true, 1.0, false, true}); // chart make_text
}

int main(int argc, char** argv) {
    int rounds = 50;
    int threads = 2;
    bool persist = false;
    bool shuffle = false;
    int repeat = 1;
    int verbose = 1;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto val = [&](const char* p) {
            return a.rfind(p, 0) == 0 ? a.c_str() + strlen(p) : nullptr;
        };
        if (auto v = val("--rounds="))
            rounds = atoi(v);
        else if (auto v = val("--threads="))
            threads = atoi(v);
        else if (auto v = val("--repeat="))
            repeat = atoi(v);
        else if (auto v = val("--hint-metrics="))
            g_hint_metrics = atoi(v);
        else if (auto v = val("--verbose="))
            verbose = atoi(v);
        else if (a == "--persist")
            persist = true;
        else if (a == "--shuffle")
            shuffle = true;
        else if (a == "--image")
            g_image_surface = true;
        else if (a == "--warm-nolock")
            g_warm_nolock = true;
        else if (a == "--warmmet-nolock")
            g_warmmet_nolock = true;
        else if (a == "--diag")
            g_diag = true;
        else if (auto v = val("--lock=")) {
            std::string s = v;
            size_t p = 0;
            while (p <= s.size()) {
                size_t q = s.find(',', p);
                if (q == std::string::npos)
                    q = s.size();
                std::string t = s.substr(p, q - p);
                if (t == "all")
                    g_locks |= L_ALL;
                else if (t == "ctx")
                    g_locks |= L_CTX;
                else if (t == "size")
                    g_locks |= L_SIZE;
                else if (t == "iter")
                    g_locks |= L_ITER;
                else if (t == "warm")
                    g_locks |= L_WARM;
                else if (t == "warmlay")
                    g_locks |= L_WARMLAY;
                else if (t == "settext")
                    g_locks |= L_SETTEXT;
                else if (t == "warmmet")
                    g_locks |= L_WARMMET;
                else if (t == "first")
                    g_locks |= L_FIRST;
                else if (t == "none" || t.empty()) {
                } else {
                    fprintf(stderr, "unknown lock %s\n", t.c_str());
                    return 2;
                }
                p = q + 1;
            }
        } else {
            fprintf(stderr, "unknown arg %s\n", a.c_str());
            return 2;
        }
    }
    g_en = hnj_hyphen_load("/usr/share/hyphen/hyph_en_US.dic");
    g_fr = hnj_hyphen_load("/usr/share/hyphen/hyph_fr.dic");
    if (!g_en || !g_fr) {
        fprintf(stderr, "no hyphen dictionaries\n");
        return 2;
    }
    make_specs();
    g_ref.resize(g_specs.size());
    std::vector<int> order(g_specs.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = (int)i;
    // Reference: one thread alone (a fresh thread: fresh default font map).
    std::thread([&] { run_all(order, true, 1); }).join();
    {
        int over = 0, wrapped = 0;
        for (size_t i = 0; i < g_specs.size(); ++i) {
            if (g_specs[i].wrap <= 0)
                continue;
            ++wrapped;
            const std::string& d = g_ref[i];
            size_t p = 0;
            bool bad = false;
            while ((p = d.find("\nL", p)) != std::string::npos) {
                long a, b, x, w, bl;
                sscanf(d.c_str() + p + 2, "%ld,%ld,%ld,%ld,%ld", &a, &b, &x, &w, &bl);
                if (x + w > g_specs[i].wrap * PANGO_SCALE + 0.2 * PANGO_SCALE)
                    bad = true;
                p += 2;
            }
            over += bad;
        }
        printf("reference: %d of %d wrapped layouts have a line wider than wrap + 0.2\n", over,
               wrapped);
    }
    // Check the reference is stable on one thread (another fresh thread, reverse order).
    {
        std::vector<int> rev(order.rbegin(), order.rend());
        Result r;
        std::thread([&] { r = run_all(rev, false, 1); }).join();
        printf("single-thread recheck (reverse order): %d mismatches\n", r.mismatches);
    }
    long total = 0;
    int bad_rounds = 0;
    std::mt19937 rng(7);
    std::atomic<long> persist_bad{0};
    if (!persist) {
        for (int round = 0; round < rounds; ++round) {
            std::vector<std::vector<int>> orders(threads, order);
            if (shuffle)
                for (auto& o : orders)
                    std::shuffle(o.begin(), o.end(), rng);
            std::vector<Result> res(threads);
            std::vector<std::thread> ts;
            for (int t = 0; t < threads; ++t)
                ts.emplace_back([&, t] { res[t] = run_all(orders[t], false, repeat); });
            for (auto& t : ts)
                t.join();
            int m = 0;
            for (auto& r : res) {
                m += r.mismatches;
                g_zero += r.zero_metric;
                g_zero_ok += r.zero_ok;
            }
            total += m;
            if (m) {
                ++bad_rounds;
                if (verbose) {
                    for (int t = 0; t < threads; ++t)
                        if (res[t].mismatches) {
                            const int i = res[t].first_bad;
                            printf("round %d thread %d: %d bad, first spec %d (size %.1f bold %d "
                                   "wrap %.1f chart %d)\n",
                                   round, t, res[t].mismatches, i, g_specs[i].size, g_specs[i].bold,
                                   g_specs[i].wrap, g_specs[i].chart);
                            if (verbose > 1)
                                printf("REF: %s\nGOT: %s\n", g_ref[i].c_str(),
                                       res[t].first_text.c_str());
                        }
                }
            }
        }
    } else {
        std::vector<std::thread> ts;
        for (int t = 0; t < threads; ++t)
            ts.emplace_back([&] {
                Result r = run_all(order, false, rounds);
                persist_bad += r.mismatches;
                if (r.mismatches)
                    ++bad_rounds;
            });
        for (auto& t : ts)
            t.join();
        total = persist_bad;
    }
    printf("specs %zu threads %d rounds %d locks 0x%x persist %d: bad rounds %d, bad layouts %ld",
           g_specs.size(), threads, rounds, g_locks, persist, bad_rounds, total);
    printf("; bad layouts using a font with approximate_char_width 0: %ld, good ones: %ld", g_zero,
           g_zero_ok);
    printf("\n");
    return 0;
}
