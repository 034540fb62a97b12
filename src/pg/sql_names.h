// The names an SQL expression may read as columns, for the map check "an anonymize changes each
// match source": a source `lower(billing_email)` is changed when 'billing_email' is set.
#pragma once

#include <set>
#include <string>
#include <string_view>

namespace tombstone::pg {

// Every identifier of `sql` outside string literals ('...', E'...', $tag$...$tag$) and comments:
// bare names folded to lower case, "quoted" names as written. A name followed by '(' (a function)
// or following '::' (a type) is left out. Keywords are returned too: intersect with the table's
// column names.
std::set<std::string> NamesIn(std::string_view sql);

}  // namespace tombstone::pg
