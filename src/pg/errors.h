// What the client may say about a server error. A server message can hold row values (a cast
// that failed on an address, a trigger that RAISEs with the row), so messages about statements
// that read or change rows carry only the SQLSTATE and its condition name, never the server's
// text: those messages end up in receipts, which are kept forever.
#pragma once

#include <string>
#include <string_view>

namespace tombstone::pg {

// "unique_violation" for "23505"; "" for a code this table does not know.
std::string_view ConditionName(std::string_view sqlstate);

// "foreign_key_violation, SQLSTATE 23503", or "SQLSTATE XX123" for an unknown code, or "no
// SQLSTATE" when there is none.
std::string DescribeSqlState(std::string_view sqlstate);

inline constexpr std::string_view kLockNotAvailable = "55P03";
inline constexpr std::string_view kForeignKeyViolation = "23503";

}  // namespace tombstone::pg
