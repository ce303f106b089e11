#include "sfp/audit.hpp"

#include <algorithm>

namespace sfp {

const AuditIndicator* AuditTable::find(std::string_view id) const {
    const auto found = std::find_if(indicators.begin(), indicators.end(),
                                    [&](const AuditIndicator& item) { return item.id == id; });
    return found == indicators.end() ? nullptr : &*found;
}

} // namespace sfp
