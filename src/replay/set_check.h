// The map check of an anonymize entry: each 'set' column can take its strategy's value in every
// row it is written to, and the anonymize changes every match source it does not keep. Part of
// PlanTables (table_plan.h); every problem is a usage error naming the map line.
#pragma once

#include <string>

#include "src/map/data_map.h"
#include "src/pg/catalog.h"
#include "src/pg/session.h"
#include "src/replay/table_plan.h"

namespace tombstone::replay {

// "unable to use data map 'PATH': line N: <cause>" (exit 2).
Status MapError(const DataMap& map, int line, const std::string& cause);

// Checks `set` against column `relation`.`set.column` and fills `target` (type, the target value
// in the server's text form). Refuses: a column that does not exist, is part of the primary key,
// generated or GENERATED ALWAYS AS IDENTITY; 'null' on a NOT NULL column or one under a unique
// index whose NULLs collide; 'redact' or a literal on a column under any unique index (the same
// value in two rows collides); 'hash' on a column that cannot hold a pseudonym; a value the
// column's type cannot hold whole.
Status CheckSet(pg::Session& session, const DataMap& map, const pg::Relation& relation,
                const AnonymizeSet& set, SetTarget* target);

// Checks that anonymizing `plan` changes each of its match sources that the map does not keep:
// a column source must be set (or be generated from a set column); an expression source must
// read a set column.
Status CheckSourcesChanged(const DataMap& map, const TablePlan& plan);

// The fixed marker 'redact' writes into a column of this type; empty when there is none.
std::string RedactMarker(const pg::Column& column);

}  // namespace tombstone::replay
