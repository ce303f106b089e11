// tcmalloc's system allocator, with huge pages: see sfp/huge_pages.hpp.
//
// Compiled into each executable that links tcmalloc (an interface source of sfp_allocator):
// tcmalloc asks for its system allocator with `tc_get_sysalloc_override`, which it defines
// (weak) and calls through its procedure linkage table, so that the executable's definition
// is the one that runs. gperftools documents `SysAllocator` in <gperftools/malloc_extension.h>;
// that header comes with the profiler's -dev package, so the class is declared here as it is
// there (gperftools 2.10, Debian 12), and its destructor, vtable and type information come
// from libtcmalloc_minimal.so.4.
#include "sfp/huge_pages.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <sys/mman.h>

/// gperftools' interface of the allocator tcmalloc takes memory from (malloc_extension.h).
class SysAllocator {
public:
    SysAllocator() = default;
    SysAllocator(const SysAllocator&) = delete;
    SysAllocator& operator=(const SysAllocator&) = delete;
    virtual ~SysAllocator();
    /// `size` bytes aligned to `alignment`; the bytes given in `*actual_size` (may be null).
    virtual void* Alloc(std::size_t size, std::size_t* actual_size, std::size_t alignment) = 0;
};

SysAllocator* tc_get_sysalloc_override(SysAllocator* def);

namespace {

constexpr std::uintptr_t huge_page = std::uintptr_t{2} << 20;
/// Address space reserved at a time (MAP_NORESERVE: nothing is committed until touched).
constexpr std::size_t region_size = std::size_t{1} << 30;
constexpr std::size_t max_regions = 64;

std::uintptr_t align_up(std::uintptr_t value, std::uintptr_t alignment) {
    return (value + alignment - 1) & ~(alignment - 1);
}

/// Hands tcmalloc consecutive slices of the current region, so that its spans fill whole huge
/// pages. tcmalloc calls `Alloc` under its own lock (TCMalloc_SystemAlloc), one call at a time;
/// the region table is atomic only for `holds`, which any thread may call.
class HugePageAllocator final : public SysAllocator {
public:
    explicit HugePageAllocator(SysAllocator* fallback) noexcept : fallback_(fallback) {}

    void* Alloc(std::size_t size, std::size_t* actual_size, std::size_t alignment) override {
        // Checked before rounding, which could wrap a size near SIZE_MAX round to 0.
        if (size == 0 || size > region_size / 2 || alignment > huge_page) {
            return fallback_->Alloc(size, actual_size, alignment);
        }
        alignment = std::max<std::size_t>(alignment, 4096);
        size = align_up(size, 4096);
        std::uintptr_t start = align_up(next_, alignment);
        if (next_ == 0 || start + size > end_) {
            if (!reserve()) {
                return fallback_->Alloc(size, actual_size, alignment);
            }
            start = align_up(next_, alignment);
        }
        next_ = start + size;
        given_.fetch_add(size, std::memory_order_relaxed);
        if (actual_size != nullptr) {
            *actual_size = size;
        }
        return reinterpret_cast<void*>(start);
    }

    bool holds(std::uintptr_t address) const noexcept {
        const std::size_t count = count_.load(std::memory_order_acquire);
        for (std::size_t i = 0; i < count; ++i) {
            const std::uintptr_t start = starts_[i].load(std::memory_order_relaxed);
            if (address >= start && address < start + region_size) {
                return true;
            }
        }
        return false;
    }

    std::size_t given() const noexcept { return given_.load(std::memory_order_relaxed); }

private:
    /// A new region: reserved with room to align it, the unaligned ends given back.
    bool reserve() noexcept {
        const std::size_t count = count_.load(std::memory_order_relaxed);
        if (count == max_regions) {
            return false;
        }
        void* mapped = mmap(nullptr, region_size + huge_page, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (mapped == MAP_FAILED) {
            return false;
        }
        const auto base = reinterpret_cast<std::uintptr_t>(mapped);
        const std::uintptr_t start = align_up(base, huge_page);
        if (start > base) {
            munmap(mapped, start - base);
        }
        if (start + region_size < base + region_size + huge_page) {
            munmap(reinterpret_cast<void*>(start + region_size),
                   base + region_size + huge_page - (start + region_size));
        }
        // Fails (EINVAL) on a kernel without transparent huge pages: the region is then an
        // ordinary one.
        madvise(reinterpret_cast<void*>(start), region_size, MADV_HUGEPAGE);
        next_ = start;
        end_ = start + region_size;
        starts_[count].store(start, std::memory_order_relaxed);
        count_.store(count + 1, std::memory_order_release);
        return true;
    }

    SysAllocator* fallback_;
    std::uintptr_t next_ = 0;
    std::uintptr_t end_ = 0;
    std::atomic<std::size_t> given_{0};
    std::atomic<std::size_t> count_{0};
    std::atomic<std::uintptr_t> starts_[max_regions] = {};
};

/// The allocator lives in static storage: tcmalloc asks for it at its first growth, which can
/// come before this program's constructors run, and keeps it to the process's end.
alignas(HugePageAllocator) unsigned char storage[sizeof(HugePageAllocator)];
std::atomic<HugePageAllocator*> installed{nullptr};

/// Whether the environment turns the regions off (`SFPGEN_HUGE_PAGES=0`).
bool turned_off() noexcept {
    const char* value = std::getenv("SFPGEN_HUGE_PAGES");
    return value != nullptr && std::strcmp(value, "0") == 0;
}

} // namespace

SysAllocator* tc_get_sysalloc_override(SysAllocator* def) {
    if (def == nullptr || turned_off()) {
        return def;
    }
    auto* allocator = new (storage) HugePageAllocator(def);
    installed.store(allocator, std::memory_order_release);
    return allocator;
}

namespace sfp::huge_pages {

bool active() noexcept {
    return installed.load(std::memory_order_acquire) != nullptr;
}

bool holds(const void* p) noexcept {
    const HugePageAllocator* allocator = installed.load(std::memory_order_acquire);
    return allocator != nullptr && allocator->holds(reinterpret_cast<std::uintptr_t>(p));
}

std::size_t bytes_given() noexcept {
    const HugePageAllocator* allocator = installed.load(std::memory_order_acquire);
    return allocator == nullptr ? 0 : allocator->given();
}

} // namespace sfp::huge_pages
