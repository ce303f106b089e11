// tcmalloc's heap in huge pages (generator/allocator/huge_pages.cpp): in a program linked with
// tcmalloc, its memory comes from regions that ask the kernel for huge pages, and it is
// ordinary memory. Not built with the sanitizers or without tcmalloc (SFPGEN_HUGE_PAGES unset).
#if SFPGEN_HUGE_PAGES

#include "sfp/huge_pages.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

/// The `VmFlags` line of /proc/self/smaps for the mapping that holds `p` ("" if none does).
std::string vm_flags_of(const void* p) {
    const auto address = reinterpret_cast<std::uintptr_t>(p);
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    bool inside = false;
    while (std::getline(smaps, line)) {
        std::uintptr_t start = 0;
        std::uintptr_t end = 0;
        char dash = 0;
        std::istringstream head(line);
        if (head >> std::hex >> start >> dash >> end && dash == '-' &&
            line.find(':') > line.find(' ')) {
            inside = address >= start && address < end;
        } else if (inside && line.rfind("VmFlags:", 0) == 0) {
            return line;
        }
    }
    return "";
}

struct Free {
    void operator()(void* p) const noexcept { std::free(p); }
};

} // namespace

TEST_CASE("huge pages: tcmalloc's heap grows in regions that ask for huge pages") {
    REQUIRE(sfp::huge_pages::active());
    const std::size_t before = sfp::huge_pages::bytes_given();
    // Larger than anything free in tcmalloc's heap so far: it must grow.
    const std::size_t size = before + (std::size_t{64} << 20);
    const std::unique_ptr<void, Free> block(std::malloc(size));
    REQUIRE(block != nullptr);
    CHECK(sfp::huge_pages::holds(block.get()));
    CHECK(sfp::huge_pages::bytes_given() >= before + size);
    // The kernel's flag for memory that asked for huge pages (madvise MADV_HUGEPAGE), on a
    // kernel built with transparent huge pages (Debian's are).
    if (std::ifstream("/sys/kernel/mm/transparent_hugepage/enabled").good()) {
        const std::string flags = vm_flags_of(block.get());
        INFO(flags);
        CHECK(flags.find(" hg") != std::string::npos);
    }
    // Small objects come from the regions too.
    const std::unique_ptr<void, Free> small(std::malloc(24));
    CHECK(sfp::huge_pages::holds(small.get()));
    // Memory elsewhere is not the regions'.
    int on_stack = 0;
    CHECK_FALSE(sfp::huge_pages::holds(&on_stack));
}

TEST_CASE("huge pages: the regions are ordinary memory, written, freed and reused") {
    std::vector<std::unique_ptr<unsigned char, Free>> blocks;
    std::vector<std::size_t> sizes;
    // Sizes from a few bytes to several huge pages, each filled with its own byte.
    for (std::size_t i = 0; i < 200; ++i) {
        const std::size_t n = (i % 7 == 0) ? (std::size_t{3} << 20) + i : 16 + i * 997;
        blocks.emplace_back(static_cast<unsigned char*>(std::malloc(n)));
        REQUIRE(blocks.back() != nullptr);
        std::memset(blocks.back().get(), static_cast<int>(i & 0xff), n);
        sizes.push_back(n);
    }
    // Every other block freed and allocated again: tcmalloc reuses its free spans.
    for (std::size_t i = 0; i < blocks.size(); i += 2) {
        blocks[i].reset(static_cast<unsigned char*>(std::malloc(sizes[i])));
        REQUIRE(blocks[i] != nullptr);
        std::memset(blocks[i].get(), static_cast<int>(i & 0xff), sizes[i]);
    }
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        const unsigned char* p = blocks[i].get();
        const auto expected = static_cast<unsigned char>(i & 0xff);
        INFO("block " << i << " of " << sizes[i] << " bytes");
        CHECK(p[0] == expected);
        CHECK(p[sizes[i] / 2] == expected);
        CHECK(p[sizes[i] - 1] == expected);
        CHECK(sfp::huge_pages::holds(p));
    }
}

#endif
