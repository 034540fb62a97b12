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

void AppendArrayElement(std::string* out, std::string_view value, bool null) {
  if (null) {
    out->append("NULL");
    return;
  }
  out->push_back('"');
  for (char c : value) {
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
}

std::string ArrayLiteral(const std::vector<const std::string*>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    AppendArrayElement(&out, values[i] == nullptr ? std::string_view() : *values[i], values[i] == nullptr);
  }
  return out + "}";
}

std::vector<std::string> LocatorParams(const RowsToChange& rows, std::size_t begin,
                                       std::size_t end, std::size_t columns) {
  std::vector<std::string> params(columns, "{");
  RowsToChange::Cursor row(rows, begin);
  for (std::size_t r = begin; r < end; ++r, row.Next()) {
    for (std::size_t c = 0; c < columns; ++c) {
      if (r > begin) params[c] += ',';
      AppendArrayElement(&params[c], row.Value(c), row.IsNull(c));
    }
  }
  for (std::string& p : params) p += '}';
  return params;
}

}  // namespace tombstone::replay
