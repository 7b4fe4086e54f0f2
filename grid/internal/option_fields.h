// The field behind each entry of the option table, for the code that reads
// and writes options by name (grid_config.cc). Kept out of option_table.h so
// that the public table says what an option is, not where it lives.
//
// Thread-safety: immutable after first use, like the table.
#ifndef M8_GRID_INTERNAL_OPTION_FIELDS_H_
#define M8_GRID_INTERNAL_OPTION_FIELDS_H_

#include <cstddef>
#include <variant>

#include "grid/concurrent_grid.h"
#include "grid/grid_options.h"
#include "grid/option_table.h"

namespace m8::internal {

// A GridOptions field, or a ConcurrentGridOptions field outside `grid`.
using OptionField =
    std::variant<double GridOptions::*, int GridOptions::*,
                 size_t GridOptions::*, EdgePolicy GridOptions::*,
                 size_t ConcurrentGridOptions::*>;

// The field `option` names.
// REQUIRES: `option` is an element of GridOptionTable().
const OptionField& FieldOf(const OptionInfo& option);

}  // namespace m8::internal

#endif  // M8_GRID_INTERNAL_OPTION_FIELDS_H_
