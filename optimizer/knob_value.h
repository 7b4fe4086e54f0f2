// KnobValue: one value a knob can take, as it appears in a --m8_config file:
// a number (printed as an integer when it is one) or a string.
//
// A plain value type.

#ifndef M8_OPTIMIZER_KNOB_VALUE_H_
#define M8_OPTIMIZER_KNOB_VALUE_H_

#include <string>
#include <utility>

namespace m8::optimizer {

class KnobValue {
 public:
  KnobValue() = default;
  static KnobValue Number(double value) { return KnobValue(value); }
  static KnobValue String(std::string value) {
    return KnobValue(std::move(value));
  }

  bool is_string() const { return is_string_; }
  // REQUIRES: !is_string().
  double number() const { return number_; }
  // REQUIRES: is_string().
  const std::string& string() const { return string_; }

  // JSON text: 4, 0.25, 1e+20, "skip".
  std::string ToJson() const;
  // For people: 4, 0.25, skip.
  std::string ToText() const;

  bool operator==(const KnobValue& other) const {
    return is_string_ == other.is_string_ &&
           (is_string_ ? string_ == other.string_ : number_ == other.number_);
  }
  // Numbers before strings; numbers by value, strings lexicographically.
  bool operator<(const KnobValue& other) const;

 private:
  explicit KnobValue(double value) : number_(value) {}
  explicit KnobValue(std::string value)
      : is_string_(true), string_(std::move(value)) {}

  bool is_string_ = false;
  double number_ = 0;
  std::string string_;
};

}  // namespace m8::optimizer

#endif  // M8_OPTIMIZER_KNOB_VALUE_H_
