// Erasure lists (tombstone import, docs/import.md): CSV with a header line
// request,kind,value,erased_at[,hold], or JSON lines of objects with the same fields. Rows with
// the same request are identifiers of one subject. No options, no store writes: the command
// (src/commands/import.cpp) opens the input and the store and records what this returns.
#pragma once

#include <vector>

#include "src/input/identifier_input.h"
#include "src/input/input_source.h"
#include "tombstones/tombstones.h"

namespace tombstone {

enum class ErasureListFormat { kCsv, kJsonLines };

// Reads every row of `source` in `format`, normalizing and hashing identifiers with `hasher`
// (which reads kinds from its store), and returns the tombstones in the order their requests
// first appear. kUsage on the first malformed row (a missing field, a bad time, a request with
// two erased_at, a field or line beyond the limits of input_source.h, invalid CSV or JSON):
// the message names the line and the column or field, never the text read. Nothing is returned
// then: an erasure list is recorded whole or not at all. Other codes come from the store.
Result<std::vector<tombstones::Tombstone>> ReadErasureList(InputSource& source,
                                                           ErasureListFormat format,
                                                           IdentifierHasher& hasher);

}  // namespace tombstone
