#include "src/pg/errors.h"

#include <array>
#include <utility>

namespace tombstone::pg {

std::string_view ConditionName(std::string_view sqlstate) {
  // The conditions replay meets in practice (PostgreSQL's errcodes.txt).
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 34> kNames = {{
      {"08000", "connection_exception"},
      {"08006", "connection_failure"},
      {"0A000", "feature_not_supported"},
      {"22001", "string_data_right_truncation"},
      {"22003", "numeric_value_out_of_range"},
      {"22007", "invalid_datetime_format"},
      {"22008", "datetime_field_overflow"},
      {"22012", "division_by_zero"},
      {"22021", "character_not_in_repertoire"},
      {"22023", "invalid_parameter_value"},
      {"22P02", "invalid_text_representation"},
      {"22P05", "untranslatable_character"},
      {"23502", "not_null_violation"},
      {"23503", "foreign_key_violation"},
      {"23505", "unique_violation"},
      {"23514", "check_violation"},
      {"23P01", "exclusion_violation"},
      {"25006", "read_only_sql_transaction"},
      {"2BP01", "dependent_objects_still_exist"},
      {"40001", "serialization_failure"},
      {"40P01", "deadlock_detected"},
      {"42501", "insufficient_privilege"},
      {"42601", "syntax_error"},
      {"42703", "undefined_column"},
      {"42804", "datatype_mismatch"},
      {"42883", "undefined_function"},
      {"42P01", "undefined_table"},
      {"53100", "disk_full"},
      {"53200", "out_of_memory"},
      {"55006", "object_in_use"},
      {"55P03", "lock_not_available"},
      {"57014", "query_canceled"},
      {"57P01", "admin_shutdown"},
      {"P0001", "raise_exception"},
  }};
  for (const auto& [code, name] : kNames)
    if (code == sqlstate) return name;
  return {};
}

std::string DescribeSqlState(std::string_view sqlstate) {
  if (sqlstate.empty()) return "no SQLSTATE";
  const std::string_view name = ConditionName(sqlstate);
  if (name.empty()) return "SQLSTATE " + std::string(sqlstate);
  return std::string(name) + ", SQLSTATE " + std::string(sqlstate);
}

}  // namespace tombstone::pg
