// The layout helper's bookkeeping (sfp/table_share.hpp), driven by two threads without Pango:
// every way the helper can stop must leave the layout a table to make, never a wait that
// nothing ends. A wait that does not end fails the test after a few seconds instead of hanging.
#include "sfp/table_share.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <vector>

namespace {

struct Key {
    int id = 0;
};
struct Setup {
    std::vector<std::string> rows;
};
struct Plan {
    std::string made_by;
};
using Share = sfp::TableShareOf<Key, Setup, Plan>;

/// Waits up to five seconds for `waiting`; when it has not ended (a wait nothing ends), calls
/// `release` to let it go, so that the test fails rather than hangs, and fails. (The releases
/// of wait_for_rows give back a row past the table's end: whatever the state, rows are then
/// left to take.)
template <class Result, class Release> Result ends(std::future<Result>& waiting, Release release) {
    const bool ended = waiting.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
    if (!ended) {
        release();
    }
    REQUIRE(ended);
    return waiting.get();
}

} // namespace

TEST_CASE("table share: a table is made once, by whichever side claims it first",
          "[layout][table-share]") {
    Key a, b;
    Share share({&a, &b});
    REQUIRE(share.claim_for_helper(&b) == Share::Claim::yours);
    std::shared_ptr<const Setup> setup;
    REQUIRE(share.find_or_claim(&a, setup) == Share::Found::claimed);
    CHECK(share.claim_for_helper(&a) == Share::Claim::taken);
    share.publish(&a, std::make_shared<const Setup>(Setup{{"a"}}));
    // The layout waits for b, which the helper is making, until the helper publishes it.
    auto waiting = std::async(std::launch::async, [&] {
        std::shared_ptr<const Setup> got;
        const auto found = share.find_or_claim(&b, got);
        return std::make_pair(found, got);
    });
    CHECK(waiting.wait_for(std::chrono::milliseconds(50)) == std::future_status::timeout);
    share.publish(&b, std::make_shared<const Setup>(Setup{{"b"}}));
    const auto [found, got] = ends(waiting, [] {});
    CHECK(found == Share::Found::done);
    REQUIRE(got);
    CHECK(got->rows.front() == "b");
    CHECK(share.helper_tables() == 1);
    share.stop();
    Key c;
    CHECK(share.claim_for_helper(&c) == Share::Claim::stopped);
}

TEST_CASE("table share: a table the helper drops or abandons goes back to the layout",
          "[layout][table-share]") {
    Key a, b, other;
    Share share({&a, &b});
    // Dropped: the helper failed to make it and said so.
    REQUIRE(share.claim_for_helper(&a) == Share::Claim::yours);
    share.publish(&a, nullptr);
    std::shared_ptr<const Setup> setup;
    auto dropped = std::async(std::launch::async, [&] {
        std::shared_ptr<const Setup> got;
        return share.find_or_claim(&a, got);
    });
    CHECK(ends(dropped, [&] { share.leave(&a); }) == Share::Found::claimed);
    // Abandoned: the helper left on a failure outside its steps (what used to leave the
    // layout waiting for a table still marked as the helper's).
    REQUIRE(share.claim_for_helper(&b) == Share::Claim::yours);
    auto waiting = std::async(std::launch::async, [&] {
        std::shared_ptr<const Setup> got;
        return share.find_or_claim(&b, got);
    });
    CHECK(waiting.wait_for(std::chrono::milliseconds(50)) == std::future_status::timeout);
    share.abandon();
    CHECK(ends(waiting, [&] { share.leave(&b); }) == Share::Found::claimed);
    CHECK(share.claim_for_helper(&a) == Share::Claim::stopped);
    // A table the share was not made with is the layout's, and publishing it does nothing.
    CHECK(share.find_or_claim(&other, setup) == Share::Found::claimed);
    share.publish(&other, std::make_shared<const Setup>());
    CHECK(share.find_or_claim(&other, setup) == Share::Found::claimed);
}

TEST_CASE("table share: rows are shared out from both ends, and given back on failure",
          "[layout][table-share]") {
    Key t;
    Share share({&t});
    REQUIRE(share.claim_for_helper(&t) == Share::Claim::yours);
    auto frame = std::make_shared<Setup>();
    frame->rows.resize(100);
    share.open_rows(&t, frame, Plan{"helper"});
    std::shared_ptr<const Setup> setup;
    REQUIRE(share.find_or_claim(&t, setup) == Share::Found::rows);
    // The helper takes 32 rows from the end, the layout 32 from the start.
    const auto from_end = share.take_rows(&t, true);
    REQUIRE(from_end);
    CHECK(from_end->from == 68);
    CHECK(from_end->to == 100);
    CHECK(from_end->plan->made_by == "helper");
    const auto from_start = share.take_rows(&t, false);
    REQUIRE(from_start);
    CHECK(from_start->from == 0);
    CHECK(from_start->to == 32);
    // The helper fails on its chunk: its rows go back, and the helper stops.
    share.give_back(&t, *from_end);
    for (std::size_t r = from_start->from; r < from_start->to; ++r) {
        from_start->setup->rows[r] = "layout";
    }
    share.rows_made(&t);
    // The layout takes the rest, the given-back rows included, and publishes the table.
    std::size_t taken = 32;
    while (const auto chunk = share.take_rows(&t, false)) {
        for (std::size_t r = chunk->from; r < chunk->to; ++r) {
            chunk->setup->rows[r] = "layout";
        }
        taken += chunk->to - chunk->from;
        share.rows_made(&t);
    }
    CHECK(taken == 100);
    auto waiting = std::async(std::launch::async, [&] { return share.wait_for_rows(&t); });
    const auto done = ends(waiting, [&] { share.give_back(&t, {0, 101, frame.get(), nullptr}); });
    REQUIRE(done);
    CHECK(done->rows.size() == 100);
    CHECK(done->rows.back() == "layout");
    CHECK(share.claim_for_helper(&t) == Share::Claim::stopped);
}

TEST_CASE("table share: the layout waits for the helper's last chunk, then has the table",
          "[layout][table-share]") {
    Key t;
    Share share({&t});
    REQUIRE(share.claim_for_helper(&t) == Share::Claim::yours);
    auto frame = std::make_shared<Setup>();
    frame->rows.resize(40);
    share.open_rows(&t, frame, Plan{});
    const auto helpers = share.take_rows(&t, true); // rows 8-40
    REQUIRE(helpers);
    const auto layouts = share.take_rows(&t, false); // rows 0-8
    REQUIRE(layouts);
    CHECK(layouts->to == helpers->from);
    CHECK_FALSE(share.take_rows(&t, false));
    share.rows_made(&t);
    auto waiting = std::async(std::launch::async, [&] { return share.wait_for_rows(&t); });
    CHECK(waiting.wait_for(std::chrono::milliseconds(50)) == std::future_status::timeout);
    share.rows_made(&t);
    share.leave(&t);
    const auto done = ends(waiting, [&] { share.give_back(&t, {0, 41, frame.get(), nullptr}); });
    REQUIRE(done);
    CHECK(done.get() == frame.get());
    CHECK(share.helper_tables() == 1);
}
