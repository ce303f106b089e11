// <name>_fuzz_replay (csv, config, formula, template): runs a fuzz target on every file of a corpus
// folder, without libFuzzer, so that any compiler (g++ in the dev and asan presets) replays the
// corpus under ctest.
//
// Usage: <name>_fuzz_replay FOLDER...   (exit 0 when every input passes; a failing input aborts)

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
    namespace fs = std::filesystem;
    const std::string program = fs::path(argv[0]).filename().string();
    if (argc < 2) {
        fmt::print(stderr, "usage: {} FOLDER...\n", argv[0]);
        return 2;
    }
    std::vector<fs::path> inputs;
    for (int i = 1; i < argc; ++i) {
        std::error_code error;
        for (const auto& entry : fs::directory_iterator(argv[i], error)) {
            if (entry.is_regular_file()) {
                inputs.push_back(entry.path());
            }
        }
        if (error) {
            fmt::print(stderr, "{}: cannot read folder {}: {}\n", program, argv[i],
                       error.message());
            return 2;
        }
    }
    if (inputs.empty()) {
        fmt::print(stderr, "{}: no inputs found\n", program);
        return 2;
    }
    std::sort(inputs.begin(), inputs.end()); // a stable order for reproducible logs
    for (const auto& path : inputs) {
        std::ifstream in(path, std::ios::binary);
        const std::string bytes{std::istreambuf_iterator<char>(in),
                                std::istreambuf_iterator<char>()};
        fmt::print(stderr, "replay {} ({} bytes)\n", path.filename().string(), bytes.size());
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    }
    fmt::print("{}: {} inputs passed\n", program, inputs.size());
    return 0;
}
