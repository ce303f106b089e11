#pragma once
// Helpers shared by the unit tests.

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>

namespace sfp::testing {

/// A unique folder under the system temporary directory, removed with everything in it.
class TempDir {
public:
    /// `prefix` names the folder ("sfpgen-<prefix>-test-<random>") to tell tests apart.
    explicit TempDir(const std::string& prefix = "unit") {
        std::random_device random;
        const auto base = std::filesystem::temp_directory_path();
        for (int attempt = 0; attempt < 100; ++attempt) {
            const auto candidate = base / ("sfpgen-" + prefix + "-test-" +
                                           std::to_string(random()) + std::to_string(attempt));
            if (std::filesystem::create_directory(candidate)) {
                path_ = candidate;
                return;
            }
        }
        throw std::runtime_error("cannot create a temporary folder");
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    TempDir(TempDir&&) = delete;
    TempDir& operator=(TempDir&&) = delete;

    /// The path of `name` in the folder (not created).
    [[nodiscard]] std::string file(const std::string& name) const {
        return (path_ / name).string();
    }

    /// Writes `content` byte for byte (binary mode: "\r\n" stays "\r\n") and returns the path.
    [[nodiscard]] std::string write(const std::string& name, const std::string& content) const {
        const auto path = path_ / name;
        std::filesystem::create_directories(path.parent_path());
        std::ofstream out(path, std::ios::binary);
        out << content;
        out.close();
        REQUIRE(out.good());
        return path.string();
    }
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

} // namespace sfp::testing
