// fontconfig's font sort shared between sizes (generator/render/src/font_sort.cpp): the
// process's FcFontSetSort is the renderer's, and what it answers from an earlier sort is
// exactly fontconfig's own sort of the same pattern.
#include "sfp/font_sort.hpp"

#include <catch2/catch.hpp>
#include <dlfcn.h>
#include <fontconfig/fontconfig.h>
#include <string>
#include <vector>

namespace {

using SortFunction = FcFontSet* (*)(FcConfig*, FcFontSet**, int, FcPattern*, FcBool, FcCharSet**,
                                    FcResult*);

/// A pattern as Pango makes one before it sorts: family, weight, language, size in points and
/// pixels (at 96 dpi), through the configuration's substitutions.
FcPattern* pattern_for(FcConfig* config, const char* family, int weight, const char* language,
                       double points) {
    FcPattern* pattern = FcPatternCreate();
    FcPatternAddString(pattern, FC_FAMILY, reinterpret_cast<const FcChar8*>(family));
    FcPatternAddInteger(pattern, FC_WEIGHT, weight);
    FcPatternAddString(pattern, FC_LANG, reinterpret_cast<const FcChar8*>(language));
    FcPatternAddDouble(pattern, FC_SIZE, points);
    FcPatternAddDouble(pattern, FC_PIXEL_SIZE, points * 96.0 / 72.0);
    FcConfigSubstitute(config, pattern, FcMatchPattern);
    FcDefaultSubstitute(pattern);
    return pattern;
}

/// The files of a sort's fonts, in order.
std::vector<std::string> files_of(const FcFontSet* fonts) {
    std::vector<std::string> files;
    for (int i = 0; fonts != nullptr && i < fonts->nfont; ++i) {
        FcChar8* file = nullptr;
        FcPatternGetString(fonts->fonts[i], FC_FILE, 0, &file);
        files.emplace_back(file != nullptr ? reinterpret_cast<const char*>(file) : "?");
    }
    return files;
}

/// A copy of `set`, as Pango sorts a copy of the configuration's fonts for each font map.
FcFontSet* copy_of(const FcFontSet* set) {
    FcFontSet* copy = FcFontSetCreate();
    for (int i = 0; i < set->nfont; ++i) {
        FcPatternReference(set->fonts[i]);
        FcFontSetAdd(copy, set->fonts[i]);
    }
    return copy;
}

} // namespace

TEST_CASE("font sorts: the process sorts with the renderer's FcFontSetSort") {
    CHECK(sfp::shared_font_sorts());
}

TEST_CASE("font sorts: a sort shared between sizes is fontconfig's own sort") {
    REQUIRE(FcInit() != FcFalse);
    FcConfig* config = FcConfigReference(nullptr);
    REQUIRE(config != nullptr);
    FcFontSet* system = FcConfigGetFonts(config, FcSetSystem);
    REQUIRE(system != nullptr);
    REQUIRE(system->nfont > 1);
    const auto fontconfig_sort = reinterpret_cast<SortFunction>(dlsym(RTLD_NEXT, "FcFontSetSort"));
    REQUIRE(fontconfig_sort != nullptr);
    REQUIRE(reinterpret_cast<void*>(fontconfig_sort) != dlsym(RTLD_DEFAULT, "FcFontSetSort"));

    const std::size_t shared_before = sfp::font_sorts_shared();
    std::size_t sorts = 0;
    // Each font map sorts its own copy of the fonts: two maps, as the render's two threads.
    for (int map = 0; map < 2; ++map) {
        FcFontSet* fonts = copy_of(system);
        for (const char* family : {"DejaVu Sans", "Noto Sans", "sans-serif", "serif"}) {
            for (const int weight : {FC_WEIGHT_REGULAR, FC_WEIGHT_BOLD}) {
                for (const char* language : {"en", "ar", "zh-cn"}) {
                    for (const double points : {6.0, 6.5, 7.25, 8.0, 10.0, 17.0}) {
                        FcPattern* pattern = pattern_for(config, family, weight, language, points);
                        FcResult ours_result = FcResultNoMatch;
                        FcResult own_result = FcResultNoMatch;
                        FcFontSet* ours = FcFontSetSort(config, &fonts, 1, pattern, FcTrue, nullptr,
                                                        &ours_result);
                        FcFontSet* own = fontconfig_sort(config, &fonts, 1, pattern, FcTrue,
                                                         nullptr, &own_result);
                        INFO(family << " weight " << weight << " " << language << " " << points
                                    << " pt, map " << map);
                        REQUIRE(ours != nullptr);
                        REQUIRE(own != nullptr);
                        CHECK(ours_result == own_result);
                        CHECK(files_of(ours) == files_of(own));
                        CHECK(ours->nfont == own->nfont);
                        FcFontSetDestroy(ours);
                        FcFontSetDestroy(own);
                        FcPatternDestroy(pattern);
                        ++sorts;
                    }
                }
            }
        }
        FcFontSetDestroy(fonts);
    }
    // Of each family, weight and language, the first size of the first map is sorted; the
    // rest are shared (the second map's copy holds the same fonts). The first may be shared
    // too when the process sorted the same pattern before (the whole test program run in one).
    const std::size_t shared = sfp::font_sorts_shared() - shared_before;
    CHECK(shared >= sorts - sorts / 12);
    CHECK(shared <= sorts);
    FcConfigDestroy(config);
}

TEST_CASE("font sorts: fonts with a size are always sorted by fontconfig") {
    REQUIRE(FcInit() != FcFalse);
    FcConfig* config = FcConfigReference(nullptr);
    REQUIRE(config != nullptr);
    // A bitmap font: its pixel size takes part in the sort.
    FcFontSet* fonts = FcFontSetCreate();
    for (const double pixels : {10.0, 13.0, 20.0}) {
        FcPattern* font = FcPatternCreate();
        FcPatternAddString(font, FC_FAMILY, reinterpret_cast<const FcChar8*>("Fixed"));
        FcPatternAddDouble(font, FC_PIXEL_SIZE, pixels);
        FcPatternAddString(font, FC_FILE,
                           reinterpret_cast<const FcChar8*>(
                               ("/fixed-" + std::to_string(static_cast<int>(pixels))).c_str()));
        FcFontSetAdd(fonts, font);
    }
    const std::size_t shared_before = sfp::font_sorts_shared();
    std::vector<std::string> best;
    for (const double pixels : {10.0, 20.0, 13.0, 10.0}) {
        FcPattern* pattern = FcPatternCreate();
        FcPatternAddString(pattern, FC_FAMILY, reinterpret_cast<const FcChar8*>("Fixed"));
        FcPatternAddDouble(pattern, FC_PIXEL_SIZE, pixels);
        FcResult result = FcResultNoMatch;
        FcFontSet* sorted = FcFontSetSort(config, &fonts, 1, pattern, FcFalse, nullptr, &result);
        REQUIRE(sorted != nullptr);
        best.push_back(files_of(sorted).front());
        FcFontSetDestroy(sorted);
        FcPatternDestroy(pattern);
    }
    CHECK(best == std::vector<std::string>{"/fixed-10", "/fixed-20", "/fixed-13", "/fixed-10"});
    CHECK(sfp::font_sorts_shared() == shared_before);
    FcFontSetDestroy(fonts);
    FcConfigDestroy(config);
}
