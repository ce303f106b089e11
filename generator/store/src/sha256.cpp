#include "sfp/sha256.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <memory>
#include <vector>

namespace sfp {

namespace {

// FIPS 180-4, 4.2.2: the first 32 bits of the fractional parts of the cube roots of the first
// 64 primes.
constexpr std::array<std::uint32_t, 64> round_constants{
    0x428a2f98U, 0x71374491U, 0xb5c0fbcfU, 0xe9b5dba5U, 0x3956c25bU, 0x59f111f1U, 0x923f82a4U,
    0xab1c5ed5U, 0xd807aa98U, 0x12835b01U, 0x243185beU, 0x550c7dc3U, 0x72be5d74U, 0x80deb1feU,
    0x9bdc06a7U, 0xc19bf174U, 0xe49b69c1U, 0xefbe4786U, 0x0fc19dc6U, 0x240ca1ccU, 0x2de92c6fU,
    0x4a7484aaU, 0x5cb0a9dcU, 0x76f988daU, 0x983e5152U, 0xa831c66dU, 0xb00327c8U, 0xbf597fc7U,
    0xc6e00bf3U, 0xd5a79147U, 0x06ca6351U, 0x14292967U, 0x27b70a85U, 0x2e1b2138U, 0x4d2c6dfcU,
    0x53380d13U, 0x650a7354U, 0x766a0abbU, 0x81c2c92eU, 0x92722c85U, 0xa2bfe8a1U, 0xa81a664bU,
    0xc24b8b70U, 0xc76c51a3U, 0xd192e819U, 0xd6990624U, 0xf40e3585U, 0x106aa070U, 0x19a4c116U,
    0x1e376c08U, 0x2748774cU, 0x34b0bcb5U, 0x391c0cb3U, 0x4ed8aa4aU, 0x5b9cca4fU, 0x682e6ff3U,
    0x748f82eeU, 0x78a5636fU, 0x84c87814U, 0x8cc70208U, 0x90befffaU, 0xa4506cebU, 0xbef9a3f7U,
    0xc67178f2U,
};

// FIPS 180-4, 5.3.3: the first 32 bits of the fractional parts of the square roots of the
// first 8 primes.
constexpr std::array<std::uint32_t, 8> initial_state{
    0x6a09e667U, 0xbb67ae85U, 0x3c6ef372U, 0xa54ff53aU,
    0x510e527fU, 0x9b05688cU, 0x1f83d9abU, 0x5be0cd19U,
};

constexpr std::uint32_t rotr(std::uint32_t value, int bits) {
    return (value >> bits) | (value << (32 - bits));
}

constexpr std::uint32_t load_be32(const std::uint8_t* bytes) {
    return (static_cast<std::uint32_t>(bytes[0]) << 24U) |
           (static_cast<std::uint32_t>(bytes[1]) << 16U) |
           (static_cast<std::uint32_t>(bytes[2]) << 8U) | static_cast<std::uint32_t>(bytes[3]);
}

struct FileCloser {
    // The file is only read: a failed close cannot lose data.
    void operator()(std::FILE* file) const { static_cast<void>(std::fclose(file)); }
};

} // namespace

Sha256::Sha256() : state_(initial_state) {}

void Sha256::compress(const std::uint8_t* block) {
    std::array<std::uint32_t, 64> schedule{};
    for (std::size_t t = 0; t < 16; ++t) {
        schedule[t] = load_be32(block + 4 * t);
    }
    for (std::size_t t = 16; t < 64; ++t) {
        const std::uint32_t s0 =
            rotr(schedule[t - 15], 7) ^ rotr(schedule[t - 15], 18) ^ (schedule[t - 15] >> 3U);
        const std::uint32_t s1 =
            rotr(schedule[t - 2], 17) ^ rotr(schedule[t - 2], 19) ^ (schedule[t - 2] >> 10U);
        schedule[t] = schedule[t - 16] + s0 + schedule[t - 7] + s1;
    }
    std::uint32_t a = state_[0];
    std::uint32_t b = state_[1];
    std::uint32_t c = state_[2];
    std::uint32_t d = state_[3];
    std::uint32_t e = state_[4];
    std::uint32_t f = state_[5];
    std::uint32_t g = state_[6];
    std::uint32_t h = state_[7];
    for (std::size_t t = 0; t < 64; ++t) {
        const std::uint32_t sum1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        const std::uint32_t choose = (e & f) ^ (~e & g);
        const std::uint32_t temp1 = h + sum1 + choose + round_constants[t] + schedule[t];
        const std::uint32_t sum0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        const std::uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
        const std::uint32_t temp2 = sum0 + majority;
        h = g;
        g = f;
        f = e;
        e = d + temp1;
        d = c;
        c = b;
        b = a;
        a = temp1 + temp2;
    }
    state_[0] += a;
    state_[1] += b;
    state_[2] += c;
    state_[3] += d;
    state_[4] += e;
    state_[5] += f;
    state_[6] += g;
    state_[7] += h;
}

void Sha256::update(const void* data, std::size_t size) {
    const auto* bytes = static_cast<const std::uint8_t*>(data);
    length_ += size;
    if (block_used_ > 0) {
        const std::size_t take = std::min(size, block_.size() - block_used_);
        std::memcpy(block_.data() + block_used_, bytes, take);
        block_used_ += take;
        bytes += take;
        size -= take;
        if (block_used_ < block_.size()) {
            return;
        }
        compress(block_.data());
        block_used_ = 0;
    }
    while (size >= block_.size()) {
        compress(bytes);
        bytes += block_.size();
        size -= block_.size();
    }
    if (size > 0) {
        std::memcpy(block_.data(), bytes, size);
        block_used_ = size;
    }
}

Sha256Digest Sha256::finish() {
    // FIPS 180-4, 5.1.1: a 1 bit, zeros up to 56 bytes mod 64, then the length in bits (64-bit
    // big-endian).
    const std::uint64_t bit_length = length_ * 8U;
    block_[block_used_++] = 0x80U;
    if (block_used_ > 56) {
        std::fill(block_.begin() + static_cast<std::ptrdiff_t>(block_used_), block_.end(),
                  std::uint8_t{0});
        compress(block_.data());
        block_used_ = 0;
    }
    std::fill(block_.begin() + static_cast<std::ptrdiff_t>(block_used_), block_.begin() + 56,
              std::uint8_t{0});
    for (std::size_t i = 0; i < 8; ++i) {
        block_[56 + i] = static_cast<std::uint8_t>(bit_length >> (56U - 8U * i));
    }
    compress(block_.data());
    Sha256Digest digest{};
    for (std::size_t i = 0; i < state_.size(); ++i) {
        digest[4 * i] = static_cast<std::uint8_t>(state_[i] >> 24U);
        digest[4 * i + 1] = static_cast<std::uint8_t>(state_[i] >> 16U);
        digest[4 * i + 2] = static_cast<std::uint8_t>(state_[i] >> 8U);
        digest[4 * i + 3] = static_cast<std::uint8_t>(state_[i]);
    }
    return digest;
}

std::string to_hex(const Sha256Digest& digest) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string text;
    text.reserve(2 * digest.size());
    for (const std::uint8_t byte : digest) {
        text.push_back(digits[byte >> 4U]);
        text.push_back(digits[byte & 0x0fU]);
    }
    return text;
}

std::string sha256_hex(std::string_view bytes) {
    Sha256 hash;
    hash.update(bytes);
    return to_hex(hash.finish());
}

std::optional<FileDigest> sha256_file(const std::string& path, Diagnostics& diagnostics) {
    const std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
    if (!file) {
        diagnostics.error({path, 0, 0}, fmt::format("cannot read file: {}", std::strerror(errno)));
        return std::nullopt;
    }
    Sha256 hash;
    std::vector<char> buffer(1 << 16);
    FileDigest result;
    for (;;) {
        const std::size_t got = std::fread(buffer.data(), 1, buffer.size(), file.get());
        hash.update(buffer.data(), got);
        result.size += static_cast<std::int64_t>(got);
        if (got < buffer.size()) {
            break;
        }
    }
    if (std::ferror(file.get()) != 0) {
        diagnostics.error({path, 0, 0}, fmt::format("cannot read file: {}", std::strerror(errno)));
        return std::nullopt;
    }
    result.sha256 = to_hex(hash.finish());
    return result;
}

} // namespace sfp
