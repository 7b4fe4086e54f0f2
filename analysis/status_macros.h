// M8_RETURN_IF_ERROR and M8_ASSIGN_OR_RETURN: the two early returns of code
// that propagates absl::Status. Our Abseil (20220623) has no public form of
// these.
//
//   M8_RETURN_IF_ERROR(WriteHeader(out));
//   M8_ASSIGN_OR_RETURN(ResultsFile file, ReadResultsFile(path));

#ifndef M8_ANALYSIS_STATUS_MACROS_H_
#define M8_ANALYSIS_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Evaluates `expr` (an absl::Status) once; returns it when it is not OK.
#define M8_RETURN_IF_ERROR(expr)                                \
  do {                                                          \
    if (::absl::Status m8_status_ = (expr); !m8_status_.ok()) { \
      return m8_status_;                                        \
    }                                                           \
  } while (false)

#define M8_STATUS_MACROS_CONCAT_INNER_(a, b) a##b
#define M8_STATUS_MACROS_CONCAT_(a, b) M8_STATUS_MACROS_CONCAT_INNER_(a, b)

// Evaluates `rexpr` (an absl::StatusOr<T>); returns its status when it is not
// OK, else moves its value into `lhs` (a declaration or an lvalue).
#define M8_ASSIGN_OR_RETURN(lhs, rexpr)                                       \
  M8_ASSIGN_OR_RETURN_IMPL_(M8_STATUS_MACROS_CONCAT_(m8_statusor_, __LINE__), \
                            lhs, rexpr)

#define M8_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr)    \
  auto statusor = (rexpr);                                 \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = *std::move(statusor)

#endif  // M8_ANALYSIS_STATUS_MACROS_H_
