#include "sfp/sha256.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <memory>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#define SFP_SHA256_X86 1
#endif

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

/// One block with the portable compression function (FIPS 180-4, 6.2.2).
void compress_portable(std::array<std::uint32_t, 8>& state, const std::uint8_t* block) {
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
    std::uint32_t a = state[0];
    std::uint32_t b = state[1];
    std::uint32_t c = state[2];
    std::uint32_t d = state[3];
    std::uint32_t e = state[4];
    std::uint32_t f = state[5];
    std::uint32_t g = state[6];
    std::uint32_t h = state[7];
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
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
    state[5] += f;
    state[6] += g;
    state[7] += h;
}

#ifdef SFP_SHA256_X86
/// `count` blocks with the x86 SHA extensions (SHA-NI: AMD since Zen, Intel since Ice Lake and
/// Goldmont), about 5 times the portable speed. The round structure is Intel's (the "Intel SHA
/// Extensions" white paper, 2013): state held as ABEF/CDGH, two rounds per sha256rnds2, the
/// message schedule by sha256msg1/sha256msg2.
__attribute__((target("sha,sse4.1,ssse3"))) void
compress_sha_ni(std::array<std::uint32_t, 8>& state, const std::uint8_t* blocks,
                std::size_t count) {
    // NOLINTBEGIN(cppcoreguidelines-avoid-c-arrays): std::array<__m128i> drops its alignment
    // attribute
    const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i tmp = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&state[0]));
    __m128i state1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&state[4]));
    tmp = _mm_shuffle_epi32(tmp, 0xB1);               // CDAB
    state1 = _mm_shuffle_epi32(state1, 0x1B);         // EFGH
    __m128i state0 = _mm_alignr_epi8(tmp, state1, 8); // ABEF
    state1 = _mm_blend_epi16(state1, tmp, 0xF0);      // CDGH
    for (; count > 0; --count, blocks += 64) {
        const __m128i abef = state0;
        const __m128i cdgh = state1;
        __m128i words[4];
        for (std::size_t i = 0; i < 4; ++i) {
            words[i] = _mm_shuffle_epi8(
                _mm_loadu_si128(reinterpret_cast<const __m128i*>(blocks + 16 * i)), byte_swap);
        }
        for (std::size_t group = 0; group < 16; ++group) {
            __m128i message = _mm_add_epi32(
                words[group % 4],
                _mm_loadu_si128(reinterpret_cast<const __m128i*>(&round_constants[4 * group])));
            state1 = _mm_sha256rnds2_epu32(state1, state0, message);
            message = _mm_shuffle_epi32(message, 0x0E);
            state0 = _mm_sha256rnds2_epu32(state0, state1, message);
            if (group < 12) {
                // W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16] for the group 4 ahead.
                __m128i next = _mm_sha256msg1_epu32(words[group % 4], words[(group + 1) % 4]);
                next = _mm_add_epi32(
                    next, _mm_alignr_epi8(words[(group + 3) % 4], words[(group + 2) % 4], 4));
                words[group % 4] = _mm_sha256msg2_epu32(next, words[(group + 3) % 4]);
            }
        }
        state0 = _mm_add_epi32(state0, abef);
        state1 = _mm_add_epi32(state1, cdgh);
    }
    tmp = _mm_shuffle_epi32(state0, 0x1B);       // FEBA
    state1 = _mm_shuffle_epi32(state1, 0xB1);    // DCHG
    state0 = _mm_blend_epi16(tmp, state1, 0xF0); // DCBA
    state1 = _mm_alignr_epi8(state1, tmp, 8);    // ABEF
    _mm_storeu_si128(reinterpret_cast<__m128i*>(&state[0]), state0);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(&state[4]), state1);
    // NOLINTEND(cppcoreguidelines-avoid-c-arrays)
}

/// CPUID: SHA (leaf 7, EBX bit 29), SSE4.1 (leaf 1, ECX bit 19) and SSSE3 (leaf 1, ECX bit 9).
bool cpu_has_sha_ni() {
    unsigned a = 0;
    unsigned b = 0;
    unsigned c = 0;
    unsigned d = 0;
    if (__get_cpuid(1, &a, &b, &c, &d) == 0 || (c & (1U << 19U)) == 0 || (c & (1U << 9U)) == 0) {
        return false;
    }
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d) == 0) {
        return false;
    }
    return (b & (1U << 29U)) != 0;
}
#else
bool cpu_has_sha_ni() {
    return false;
}
#endif

/// Whether compress_blocks takes the SHA-NI path: decided once from CPUID; tests turn it off to
/// check the portable path (detail::sha256_use_cpu_extensions).
std::atomic<bool>& use_sha_ni() {
    static std::atomic<bool> use{cpu_has_sha_ni()};
    return use;
}

} // namespace

namespace detail {
bool sha256_use_cpu_extensions(bool use) {
    const bool available = cpu_has_sha_ni();
    use_sha_ni().store(use && available);
    return available;
}
} // namespace detail

Sha256::Sha256() : state_(initial_state) {}

void Sha256::compress_blocks(const std::uint8_t* blocks, std::size_t count) {
#ifdef SFP_SHA256_X86
    if (use_sha_ni().load(std::memory_order_relaxed)) {
        compress_sha_ni(state_, blocks, count);
        return;
    }
#endif
    for (; count > 0; --count, blocks += 64) {
        compress_portable(state_, blocks);
    }
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
        compress_blocks(block_.data(), 1);
        block_used_ = 0;
    }
    if (size >= block_.size()) {
        const std::size_t blocks = size / block_.size();
        compress_blocks(bytes, blocks);
        bytes += blocks * block_.size();
        size -= blocks * block_.size();
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
        compress_blocks(block_.data(), 1);
        block_used_ = 0;
    }
    std::fill(block_.begin() + static_cast<std::ptrdiff_t>(block_used_), block_.begin() + 56,
              std::uint8_t{0});
    for (std::size_t i = 0; i < 8; ++i) {
        block_[56 + i] = static_cast<std::uint8_t>(bit_length >> (56U - 8U * i));
    }
    compress_blocks(block_.data(), 1);
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
