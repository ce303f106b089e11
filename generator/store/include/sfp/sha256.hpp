#pragma once
/// SHA-256 (FIPS 180-4), to identify submitted files: the same bytes give the same digest, so
/// ingesting a file twice is recognised. Written here to keep the store free of a crypto library.

#include "sfp/diagnostics.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sfp {

/// A 256-bit digest, most significant byte first.
using Sha256Digest = std::array<std::uint8_t, 32>;

/// Streaming SHA-256: `update` any number of times, then `finish` once.
/// Example: `Sha256 hash; hash.update("ab"); hash.update("c"); to_hex(hash.finish())` is
/// "ba7816bf...f20015ad".
class Sha256 {
public:
    /// Starts an empty message.
    Sha256();

    /// Adds `size` bytes at `data` to the message.
    void update(const void* data, std::size_t size);
    /// Adds the bytes of `bytes` to the message.
    void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
    /// Pads the message and returns its digest. The object must not be used afterwards.
    [[nodiscard]] Sha256Digest finish();

private:
    /// Runs the compression function over `count` consecutive 64-byte blocks.
    void compress_blocks(const std::uint8_t* blocks, std::size_t count);

    std::array<std::uint32_t, 8> state_;
    std::array<std::uint8_t, 64> block_{};
    std::size_t block_used_ = 0;
    std::uint64_t length_ = 0; ///< message length in bytes so far
};

/// The digest as 64 lowercase hexadecimal digits.
[[nodiscard]] std::string to_hex(const Sha256Digest& digest);

/// The hexadecimal SHA-256 of `bytes`: sha256_hex("abc") == "ba7816bf8f01cfea...".
[[nodiscard]] std::string sha256_hex(std::string_view bytes);

/// The digest and size of a file, read in blocks (memory use is constant).
struct FileDigest {
    std::string sha256;    ///< 64 lowercase hexadecimal digits
    std::int64_t size = 0; ///< bytes
};

/// Hashes the file at `path`. nullopt, with a diagnostic "path: error: cannot read file: ...",
/// when it cannot be opened or read.
[[nodiscard]] std::optional<FileDigest> sha256_file(const std::string& path,
                                                    Diagnostics& diagnostics);

namespace detail {
/// Tests only: whether SHA-256 may use the CPU's SHA extensions (on by default when the CPU has
/// them). Returns whether the CPU has them.
bool sha256_use_cpu_extensions(bool use);
} // namespace detail

} // namespace sfp
