#pragma once
/// The bookkeeping of the PDF layout's helper thread (render_pdf.cpp): which tables' set-ups
/// are done, claimed or shared out by rows between the layout and the helper. A template over
/// what a table, its set-up and its row plan are, so that tests drive it without Pango.

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

namespace sfp {

/// The set-ups of a document's tables, shared by the render's layout, which works from the
/// first table, and a helper thread, which takes the largest first (Layout::set_up_tables) with
/// Pango contexts of its own. Each table is set up once, by whichever claims it first; a table
/// of many rows is shared out by rows (the helper makes its frame, then both sides take chunks
/// of rows, the helper from the end, the layout from the start), and whichever side makes the
/// last chunk publishes it; the layout waits for a table the helper is making whole or whose
/// frame it is making. A set-up depends on the table and the page width alone, not on where the
/// table lands, and laid-out texts are never changed, so the layout can use the helper's;
/// nothing of the helper's is drawn before it is joined.
///
/// `Setup` has `rows`, a vector as long as the table's rows; `Plan` is moved in and handed out.
template <class Key, class Setup, class Plan> class TableShareOf {
public:
    /// Rows of a shared table to set up: [from, to) into `setup`, with `plan`.
    struct Chunk {
        std::size_t from = 0;
        std::size_t to = 0;
        Setup* setup = nullptr;
        const Plan* plan = nullptr;
    };
    static constexpr std::size_t chunk_rows = 32;
    /// Tables of this many rows or more are shared out by rows.
    static constexpr std::size_t shared_rows = 4 * chunk_rows;

    /// A slot for each of `tables`, made here: the bookkeeping allocates nothing afterwards,
    /// so that no step of it can fail half-way and leave the layout waiting for a table nobody
    /// makes.
    explicit TableShareOf(const std::vector<const Key*>& tables) {
        slots_.resize(tables.size());
        for (std::size_t i = 0; i < tables.size(); ++i) {
            slot_of_.emplace(tables[i], i);
        }
    }

    enum class Found { done, rows, claimed };
    /// The layout's side: `done` with the set-up in `setup`; `rows` when its rows are being
    /// shared out (take_rows); `claimed` when nobody had started it, now the layout's to make.
    /// Waits while the helper makes the table whole, or its frame.
    Found find_or_claim(const Key* table, std::shared_ptr<const Setup>& setup) {
        Slot* slot = slot_of(table);
        if (slot == nullptr) {
            return Found::claimed;
        }
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [&] { return helper_slot_ != slot || slot->rows; });
        if (slot->done) {
            setup = slot->done;
            return Found::done;
        }
        if (slot->rows) {
            return Found::rows;
        }
        slot->claimed = true;
        return Found::claimed;
    }
    /// The layout's side, its rows all taken: the set-up once done, or nullptr when rows came
    /// back to take (the helper gave up on its chunk).
    std::shared_ptr<const Setup> wait_for_rows(const Key* table) {
        Slot* slot = slot_of(table);
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [&] { return !slot->rows || slot->rows->front < slot->rows->back; });
        return slot->done;
    }

    enum class Claim { yours, taken, stopped };
    /// The helper's side: whether `table` is its to set up, already claimed, or whether the
    /// layout has stopped the helper.
    Claim claim_for_helper(const Key* table) {
        Slot* slot = slot_of(table);
        const std::lock_guard<std::mutex> lock(mutex_);
        if (stopped_) {
            return Claim::stopped;
        }
        if (slot == nullptr || slot->claimed || slot->done) {
            return Claim::taken;
        }
        slot->claimed = true;
        helper_slot_ = slot;
        return Claim::yours;
    }
    /// The helper's side: the frame of `table` made, its rows to share out.
    void open_rows(const Key* table, std::shared_ptr<Setup> setup, Plan plan) {
        Slot* slot = slot_of(table);
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            const std::size_t rows = setup->rows.size();
            slot->rows.emplace(RowWork{std::move(setup), std::move(plan), 0, rows, 0});
            ++helper_tables_;
        }
        changed_.notify_all();
    }
    /// The next chunk of rows of a shared table (from its end for the helper), or nullopt when
    /// every row is taken.
    std::optional<Chunk> take_rows(const Key* table, bool from_end) {
        Slot* slot = slot_of(table);
        const std::lock_guard<std::mutex> lock(mutex_);
        if (!slot->rows || slot->rows->front >= slot->rows->back) {
            return std::nullopt;
        }
        RowWork& work = *slot->rows;
        Chunk chunk{work.front, work.back, work.setup.get(), &work.plan};
        if (from_end) {
            chunk.from = work.back - std::min(chunk_rows, work.back - work.front);
            work.back = chunk.from;
        } else {
            chunk.to = work.front + std::min(chunk_rows, work.back - work.front);
            work.front = chunk.to;
        }
        ++work.busy;
        return chunk;
    }
    /// A chunk set up; the last one publishes the table.
    void rows_made(const Key* table) {
        Slot* slot = slot_of(table);
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            RowWork& work = *slot->rows;
            --work.busy;
            if (work.front < work.back || work.busy > 0) {
                return;
            }
            slot->done = std::move(work.setup);
            slot->rows.reset();
            if (helper_slot_ == slot) {
                helper_slot_ = nullptr;
            }
        }
        changed_.notify_all();
    }
    /// The helper's side, failing on `chunk` (taken from the end): its rows go back to take,
    /// and the helper stops.
    void give_back(const Key* table, const Chunk& chunk) {
        Slot* slot = slot_of(table);
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            RowWork& work = *slot->rows;
            work.back = chunk.to; // the helper alone takes from the end: back was chunk.from
            --work.busy;
            if (helper_slot_ == slot) {
                helper_slot_ = nullptr;
            }
            stopped_ = true;
        }
        changed_.notify_all();
    }
    /// A whole table set up, by either side (nullptr: the helper gave up on its table).
    void publish(const Key* table, std::shared_ptr<const Setup> setup) {
        Slot* slot = slot_of(table);
        if (slot == nullptr) {
            return;
        }
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            const bool helpers = helper_slot_ == slot;
            if (setup) {
                slot->done = std::move(setup);
                helper_tables_ += helpers ? 1 : 0;
            } else {
                slot->claimed = false;
            }
            if (helpers) {
                helper_slot_ = nullptr;
            }
        }
        changed_.notify_all();
    }
    /// The helper leaves the table it shared out (its rows are all taken, some perhaps still
    /// being made by the layout).
    void leave(const Key* table) {
        Slot* slot = slot_of(table);
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            if (helper_slot_ == slot) {
                helper_slot_ = nullptr;
            }
        }
        changed_.notify_all();
    }
    /// The helper stops on a failure outside the steps above: the table it was making whole
    /// goes back to the layout (one shared out by rows already has every step handed back).
    void abandon() noexcept {
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            if (helper_slot_ != nullptr && !helper_slot_->done && !helper_slot_->rows) {
                helper_slot_->claimed = false;
            }
            helper_slot_ = nullptr;
            stopped_ = true;
        }
        changed_.notify_all();
    }
    /// No more claims by the helper (the layout is done).
    void stop() {
        const std::lock_guard<std::mutex> lock(mutex_);
        stopped_ = true;
    }
    /// The tables the helper set up, whole or in part.
    [[nodiscard]] std::size_t helper_tables() {
        const std::lock_guard<std::mutex> lock(mutex_);
        return helper_tables_;
    }

private:
    struct RowWork {
        std::shared_ptr<Setup> setup;
        Plan plan;
        std::size_t front = 0; ///< rows [front, back) are not taken yet
        std::size_t back = 0;
        int busy = 0; ///< chunks taken and not made yet
    };
    struct Slot {
        std::shared_ptr<const Setup> done;
        std::optional<RowWork> rows; ///< while the table is shared out by rows
        bool claimed = false;
    };
    /// The slot of `table` (fixed since construction: read without the lock), null for a table
    /// it was not made with.
    Slot* slot_of(const Key* table) {
        const auto found = slot_of_.find(table);
        return found != slot_of_.end() ? &slots_[found->second] : nullptr;
    }

    std::vector<Slot> slots_;
    std::unordered_map<const Key*, std::size_t> slot_of_;
    std::mutex mutex_;
    std::condition_variable changed_;
    Slot* helper_slot_ = nullptr; ///< the table the helper is making now
    std::size_t helper_tables_ = 0;
    bool stopped_ = false;
};

} // namespace sfp
