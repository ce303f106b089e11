#pragma once
/// tcmalloc's memory taken from the system in huge pages (huge_pages.cpp).
///
/// Each page of memory a program touches for the first time costs the kernel a page fault. On
/// the virtual machines sfpgen runs on (CI's and ours: 2 cores under a hypervisor) a fault
/// costs about 11 us, against a fraction of that on bare metal: the reference-size report
/// touches 100 MB, 25,000 faults, and spent 0.23 s of its 1.2 s of processor time in the kernel
/// (docs/performance.md). Debian's kernel gives transparent huge pages (2 MiB, one fault each)
/// to memory that asks for them (`madvise`, the default setting), and glibc's malloc and
/// tcmalloc never ask.
///
/// The executables that link tcmalloc (sfp_allocator, cmake/Dependencies.cmake) therefore give
/// it a system allocator of their own: tcmalloc's heap grows inside large reserved regions,
/// 2 MiB aligned, that ask for huge pages. The pages are still taken when first touched (the
/// resident size grows in steps of 2 MiB instead of 4 KiB), and tcmalloc still gives free
/// pages back. Where the kernel has no huge page to give, or huge pages are off, a fault takes a
/// small page as before. `SFPGEN_HUGE_PAGES=0` in the environment keeps tcmalloc's own system
/// allocator (to measure the difference).
///
/// Declared only where the executables define it (`SFPGEN_HUGE_PAGES` is then 1): not with the
/// sanitizers or without tcmalloc.

#include <cstddef>

namespace sfp::huge_pages {

/// Whether tcmalloc takes its memory from the huge-page regions in this process.
[[nodiscard]] bool active() noexcept;

/// Whether `p` lies in one of the regions.
[[nodiscard]] bool holds(const void* p) noexcept;

/// The bytes handed to tcmalloc from the regions so far.
[[nodiscard]] std::size_t bytes_given() noexcept;

} // namespace sfp::huge_pages
