// The data map of the pg_dump exports tests (tests/src/exports/pgdump_export_test.cpp) and of
// the pg_dump fuzz target (tests/fuzz/pgdump_fuzz.cpp): a delete with a guard, a json key
// expression, an anonymize with every strategy, a retain with an expression a dump cannot
// evaluate. One text, so that the fuzzer explores the paths the tests check.
#pragma once

namespace tombstone::testing {

inline constexpr const char* kPgDumpTestMap = R"MAP([kinds]
email = "email"
user_id = "exact"

[[table]]
name = "public.users"
match = [ { column = "id", kind = "user_id" }, { column = "email", kind = "email" } ]
action = "delete"
created_at = "created_at"

[[table]]
name = "public.events"
match = [ { column = "user_id", kind = "user_id" }, { expr = "payload->>'email'", kind = "email" } ]
action = "delete"

[[table]]
name = "public.invoices"
match = [ { column = "customer_id", kind = "user_id" } ]
action = "anonymize"
set = { billing_name = "null", billing_email = "redact", vat_number = "hash", note = "'gone'" }

[[table]]
name = "public.audit_log"
match = [ { column = "actor_id", kind = "user_id" }, { expr = "lower(detail)", kind = "email" } ]
action = "retain"
reason = "security log"
)MAP";

}  // namespace tombstone::testing
