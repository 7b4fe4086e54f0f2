// Constraints of a knob space: boolean expressions over knob names that a
// configuration must satisfy to be run, e.g.
//   expected_cells == 0 || brick_edge <= 4
//   !(shard_count > 64 && brick_edge == 8)
//   edge_policy != "skip"
// Grammar (C precedence): || && ! ; comparisons == != < <= > >= ; + - ;
// * / % ; unary - ; parentheses; decimal numbers, double-quoted strings and
// knob names. Numbers compare as numbers and strings as strings; comparing a
// number with a string is an error when the constraint is evaluated.
//
// A parsed Constraint is immutable; Evaluate may be called from any thread.

#ifndef M8_OPTIMIZER_CONSTRAINT_H_
#define M8_OPTIMIZER_CONSTRAINT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "optimizer/knob_value.h"

namespace m8::optimizer {

class Constraint {
 public:
  // Parses `text`; every identifier must be one of `names` (the knobs whose
  // values Evaluate receives, in that order). Errors (InvalidArgument): a
  // syntax error (naming the position) or an unknown name.
  static absl::StatusOr<Constraint> Parse(absl::string_view text,
                                          absl::Span<const std::string> names);

  // True when the configuration (values in the order of `names`) satisfies
  // the constraint. Errors: a comparison of a number with a string, a
  // division by zero, or a non-boolean result.
  absl::StatusOr<bool> Evaluate(absl::Span<const KnobValue> values) const;

  const std::string& text() const { return text_; }

  struct Node;

 private:
  std::string text_;
  std::shared_ptr<const Node> root_;
};

}  // namespace m8::optimizer

#endif  // M8_OPTIMIZER_CONSTRAINT_H_
