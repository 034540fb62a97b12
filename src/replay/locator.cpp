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

std::vector<std::string> LocatorParams(const std::vector<RowToChange>& rows, std::size_t begin,
                                       std::size_t end, std::size_t columns) {
  const std::size_t width = rows.empty() ? columns : rows.front().locator.size() + rows.front().hashed.size();
  RowsToChange packed(width);
  std::vector<std::string_view> values(width);
  std::vector<const std::string_view*> pointers(width);
  for (const RowToChange& row : rows) {
    for (std::size_t i = 0; i < row.locator.size(); ++i) {
      values[i] = row.locator[i];
      pointers[i] = &values[i];
    }
    for (std::size_t s = 0; s < row.hashed.size(); ++s) {
      const std::size_t i = row.locator.size() + s;
      if (row.hashed[s]) values[i] = *row.hashed[s];
      pointers[i] = row.hashed[s] ? &values[i] : nullptr;
    }
    packed.Add(pointers.data());
  }
  return LocatorParams(packed, begin, end, columns);
}

}  // namespace tombstone::replay
