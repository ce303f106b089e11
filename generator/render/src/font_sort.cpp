// fontconfig's FcFontSetSort shared between sizes: see sfp/font_sort.hpp.
#include "sfp/font_sort.hpp"

#include <algorithm>
#include <atomic>
#include <dlfcn.h>
#include <fontconfig/fontconfig.h>
#include <mutex>
#include <vector>

namespace {

using SortFunction = FcFontSet* (*)(FcConfig*, FcFontSet**, int, FcPattern*, FcBool, FcCharSet**,
                                    FcResult*);

/// fontconfig's own FcFontSetSort: the next definition after this program's.
SortFunction fontconfig_sort() {
    static const auto sort = reinterpret_cast<SortFunction>(dlsym(RTLD_NEXT, "FcFontSetSort"));
    return sort;
}

/// A new set of the same fonts, in the same order, each referenced once more (the caller
/// destroys the set and with it those references).
FcFontSet* copy_of(const FcFontSet* fonts) {
    FcFontSet* copy = FcFontSetCreate();
    if (copy == nullptr) {
        return nullptr;
    }
    for (int i = 0; i < fonts->nfont; ++i) {
        FcPatternReference(fonts->fonts[i]);
        if (FcFontSetAdd(copy, fonts->fonts[i]) == FcFalse) {
            FcPatternDestroy(fonts->fonts[i]);
            FcFontSetDestroy(copy);
            return nullptr;
        }
    }
    return copy;
}

/// Whether a font of `set` has a size: its place in a sort could then depend on the size asked.
bool has_sized_font(const FcFontSet* set) {
    for (int i = 0; set != nullptr && i < set->nfont; ++i) {
        FcValue value;
        if (FcPatternGet(set->fonts[i], FC_SIZE, 0, &value) == FcResultMatch ||
            FcPatternGet(set->fonts[i], FC_PIXEL_SIZE, 0, &value) == FcResultMatch) {
            return true;
        }
    }
    return false;
}

/// Whether `sets` (`count` of them) hold the same fonts, in the same order, as `kept`.
bool same_fonts(FcFontSet* const* sets, int count, const std::vector<FcFontSet*>& kept) {
    if (static_cast<std::size_t>(count) != kept.size()) {
        return false;
    }
    for (int i = 0; i < count; ++i) {
        const FcFontSet* a = sets[i];
        const FcFontSet* b = kept[static_cast<std::size_t>(i)];
        if (a->nfont != b->nfont || !std::equal(a->fonts, a->fonts + a->nfont, b->fonts)) {
            return false;
        }
    }
    return true;
}

/// The sorts made so far: by configuration, fonts sorted (Pango sorts a copy of the
/// configuration's fonts that each of its font maps makes, so they are compared font by font),
/// trim and pattern without its size. An entry references its configuration and every font of
/// its sets, so that none of their addresses can be another's while it is kept.
class SortCache {
public:
    static SortCache& get() {
        static SortCache* cache = new SortCache(); // never destroyed: used until the exit
        return *cache;
    }

    /// A copy of the fonts of `sets` sorted for `key` in `config`, or null.
    FcFontSet* find(FcConfig* config, FcFontSet* const* sets, int count, const FcPattern* key,
                    FcBool trim, FcResult& result) {
        const std::lock_guard lock(mutex_);
        for (const Entry& entry : entries_) {
            if (entry.config == config && entry.trim == trim &&
                same_fonts(sets, count, entry.sets) && FcPatternEqual(entry.key, key) != FcFalse) {
                result = entry.result;
                shared_.fetch_add(1, std::memory_order_relaxed);
                return copy_of(entry.fonts);
            }
        }
        return nullptr;
    }

    /// Keeps `key` (owned from here on) and copies of `sets` and `fonts`, their sort.
    void keep(FcConfig* config, FcFontSet* const* sets, int count, FcPattern* key, FcBool trim,
              const FcFontSet* fonts, FcResult result) {
        Entry entry{nullptr, {}, key, trim, copy_of(fonts), result};
        bool copied = entry.fonts != nullptr;
        for (int i = 0; copied && i < count; ++i) {
            entry.sets.push_back(copy_of(sets[i]));
            copied = entry.sets.back() != nullptr;
        }
        entry.config = copied ? FcConfigReference(config) : nullptr;
        if (entry.config == nullptr) {
            release(entry);
            return;
        }
        const std::lock_guard lock(mutex_);
        entries_.push_back(std::move(entry));
    }

    [[nodiscard]] std::size_t shared() const { return shared_.load(std::memory_order_relaxed); }

private:
    struct Entry {
        FcConfig* config; ///< referenced
        std::vector<FcFontSet*> sets;
        FcPattern* key;
        FcBool trim;
        FcFontSet* fonts;
        FcResult result;
    };
    static void release(Entry& entry) {
        for (FcFontSet* set : entry.sets) {
            if (set != nullptr) {
                FcFontSetDestroy(set);
            }
        }
        if (entry.fonts != nullptr) {
            FcFontSetDestroy(entry.fonts);
        }
        FcPatternDestroy(entry.key);
    }
    std::mutex mutex_;
    std::vector<Entry> entries_;
    std::atomic<std::size_t> shared_{0};
};

/// `pattern` without its size, or null if it cannot be copied.
FcPattern* without_size(const FcPattern* pattern) {
    FcPattern* key = FcPatternDuplicate(pattern);
    if (key != nullptr) {
        FcPatternDel(key, FC_SIZE);
        FcPatternDel(key, FC_PIXEL_SIZE);
    }
    return key;
}

} // namespace

extern "C" FcFontSet* FcFontSetSort(FcConfig* config, FcFontSet** sets, int count,
                                    FcPattern* pattern, FcBool trim, FcCharSet** csp,
                                    FcResult* result) {
    const SortFunction sort = fontconfig_sort();
    if (sort == nullptr) {
        if (result != nullptr) {
            *result = FcResultNoMatch;
        }
        return nullptr;
    }
    SortCache& cache = SortCache::get();
    // Shared: sets of fonts of which none has a size (checked before keeping a sort), the
    // coverage not asked. A configuration null stands for the current one, which can change:
    // never shared.
    bool shareable =
        config != nullptr && csp == nullptr && pattern != nullptr && sets != nullptr && count > 0;
    for (int i = 0; shareable && i < count; ++i) {
        shareable = sets[i] != nullptr;
    }
    FcPattern* key = shareable ? without_size(pattern) : nullptr;
    if (key == nullptr) {
        return sort(config, sets, count, pattern, trim, csp, result);
    }
    FcResult found = FcResultNoMatch;
    if (FcFontSet* fonts = cache.find(config, sets, count, key, trim, found)) {
        FcPatternDestroy(key);
        if (result != nullptr) {
            *result = found;
        }
        return fonts;
    }
    FcResult sorted = FcResultNoMatch;
    FcFontSet* fonts = sort(config, sets, count, pattern, trim, nullptr, &sorted);
    bool sized = false;
    for (int i = 0; i < count && !sized; ++i) {
        sized = has_sized_font(sets[i]);
    }
    if (fonts != nullptr && !sized) {
        cache.keep(config, sets, count, key, trim, fonts, sorted);
    } else {
        FcPatternDestroy(key);
    }
    if (result != nullptr) {
        *result = sorted;
    }
    return fonts;
}

namespace sfp {

bool shared_font_sorts() {
    const SortFunction ours = &FcFontSetSort;
    return dlsym(RTLD_DEFAULT, "FcFontSetSort") == reinterpret_cast<void*>(ours);
}

std::size_t font_sorts_shared() {
    return SortCache::get().shared();
}

void detail::link_font_sort() noexcept {}

} // namespace sfp
