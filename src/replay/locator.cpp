#include "src/replay/locator.h"

namespace tombstone::replay {

std::string LocatorCondition(const TablePlan& plan, const std::string& alias, int first_param) {
  const std::size_t k = plan.locator.size();
  if (k == 1)
    return alias + "." + plan.locator[0] + " = ANY($" + std::to_string(first_param) + "::" +
           plan.locator_types[0] + "[])";
  std::string columns, arrays;
  for (std::size_t i = 0; i < k; ++i) {
    columns += (i ? ", " : "") + alias + "." + plan.locator[i];
    arrays += (i ? ", $" : "$") + std::to_string(first_param + static_cast<int>(i)) + "::" +
              plan.locator_types[i] + "[]";
  }
  return "(" + columns + ") IN (SELECT * FROM unnest(" + arrays + "))";
}

std::string ArrayLiteral(const std::vector<const std::string*>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    if (values[i] == nullptr) {
      out += "NULL";
      continue;
    }
    out += '"';
    for (char c : *values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::vector<std::string> LocatorParams(const std::vector<RowToChange>& rows, std::size_t begin,
                                       std::size_t end, std::size_t columns) {
  std::vector<std::string> params;
  std::vector<const std::string*> values;
  for (std::size_t c = 0; c < columns; ++c) {
    values.clear();
    for (std::size_t r = begin; r < end; ++r) values.push_back(&rows[r].locator[c]);
    params.push_back(ArrayLiteral(values));
  }
  return params;
}

}  // namespace tombstone::replay
