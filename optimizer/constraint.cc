#include "optimizer/constraint.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <variant>

#include "absl/strings/str_cat.h"

namespace m8::optimizer {

// A node of the expression tree.
struct Constraint::Node {
  enum class Op {
    kNumber,
    kString,
    kKnob,
    kNot,
    kNegate,
    kOr,
    kAnd,
    kEq,
    kNe,
    kLt,
    kLe,
    kGt,
    kGe,
    kAdd,
    kSub,
    kMul,
    kDiv,
    kMod,
  };
  Op op;
  double number = 0;
  std::string string;
  size_t knob = 0;
  std::shared_ptr<const Node> left, right;
  int height = 1;  // of the tree below and including this node
};

namespace {

using Node = Constraint::Node;
using Op = Node::Op;
using NodePtr = std::shared_ptr<const Node>;

NodePtr Binary(Op op, NodePtr left, NodePtr right) {
  auto n = std::make_shared<Node>();
  n->op = op;
  n->left = std::move(left);
  n->right = std::move(right);
  n->height = 1 + std::max(n->left ? n->left->height : 0,
                           n->right ? n->right->height : 0);
  return n;
}

// Recursive descent over the text, one token of lookahead.
class Parser {
 public:
  Parser(absl::string_view text, absl::Span<const std::string> names)
      : text_(text), names_(names) {}

  absl::StatusOr<NodePtr> ParseAll() {
    absl::StatusOr<NodePtr> root = ParseOr();
    if (!root.ok()) return root;
    SkipSpace();
    if (pos_ != text_.size()) return Error("unexpected text");
    return root;
  }

 private:
  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat(
        "constraint '", text_, "': ", what, " at character ", pos_ + 1));
  }

  void SkipSpace() {
    while (pos_ < text_.size() &&
           std::isspace(static_cast<unsigned char>(text_[pos_]))) {
      ++pos_;
    }
  }

  // Consumes `token` when it comes next (and, for "=" or "<" and the like,
  // is not the start of a longer operator).
  bool Accept(absl::string_view token) {
    SkipSpace();
    if (text_.substr(pos_, token.size()) != token) return false;
    const size_t after = pos_ + token.size();
    if (token.size() == 1 && after < text_.size() && text_[after] == '=' &&
        (token == "<" || token == ">" || token == "!" || token == "=")) {
      return false;
    }
    if (token.size() == 1 && after < text_.size() &&
        ((token == "|" && text_[after] == '|') ||
         (token == "&" && text_[after] == '&'))) {
      return false;
    }
    pos_ = after;
    return true;
  }

  // An operator node. Refuses trees taller than kMaxHeight (long chains
  // such as a + a + ... grow them without nesting): evaluation recurses
  // once per level.
  absl::StatusOr<NodePtr> Combine(Op op, NodePtr left, NodePtr right) {
    NodePtr node = Binary(op, std::move(left), std::move(right));
    if (node->height > kMaxHeight) return Error("expression too long");
    return node;
  }

  struct Operator {
    absl::string_view token;
    Op op;
  };
  using Level = absl::StatusOr<NodePtr> (Parser::*)();

  // One precedence level of left-associative binary operators, whose
  // operands are parsed by `next` (the level above).
  absl::StatusOr<NodePtr> ParseBinary(absl::Span<const Operator> operators,
                                      Level next) {
    absl::StatusOr<NodePtr> left = (this->*next)();
    while (left.ok()) {
      const Operator* matched = nullptr;
      for (const Operator& o : operators) {
        if (Accept(o.token)) {
          matched = &o;
          break;
        }
      }
      if (matched == nullptr) break;
      absl::StatusOr<NodePtr> right = (this->*next)();
      if (!right.ok()) return right;
      left = Combine(matched->op, *left, *right);
    }
    return left;
  }

  absl::StatusOr<NodePtr> ParseOr() {
    static constexpr Operator kOr[] = {{"||", Op::kOr}};
    return ParseBinary(kOr, &Parser::ParseAnd);
  }

  absl::StatusOr<NodePtr> ParseAnd() {
    static constexpr Operator kAnd[] = {{"&&", Op::kAnd}};
    return ParseBinary(kAnd, &Parser::ParseComparison);
  }

  absl::StatusOr<NodePtr> ParseComparison() {
    absl::StatusOr<NodePtr> left = ParseSum();
    if (!left.ok()) return left;
    static constexpr std::pair<absl::string_view, Op> kOps[] = {
        {"==", Op::kEq}, {"!=", Op::kNe}, {"<=", Op::kLe},
        {">=", Op::kGe}, {"<", Op::kLt},  {">", Op::kGt}};
    for (const auto& [token, op] : kOps) {
      if (Accept(token)) {
        absl::StatusOr<NodePtr> right = ParseSum();
        if (!right.ok()) return right;
        SkipSpace();
        for (const auto& [again, unused] : kOps) {
          if (text_.substr(pos_, again.size()) == again) {
            return Error("comparisons do not chain: use &&");
          }
        }
        return Combine(op, *left, *right);
      }
    }
    return left;
  }

  absl::StatusOr<NodePtr> ParseSum() {
    static constexpr Operator kSum[] = {{"+", Op::kAdd}, {"-", Op::kSub}};
    return ParseBinary(kSum, &Parser::ParseProduct);
  }

  absl::StatusOr<NodePtr> ParseProduct() {
    static constexpr Operator kProduct[] = {
        {"*", Op::kMul}, {"/", Op::kDiv}, {"%", Op::kMod}};
    return ParseBinary(kProduct, &Parser::ParseUnary);
  }

  absl::StatusOr<NodePtr> ParseUnary() {
    if (++depth_ > kMaxDepth) return Error("expression nested too deeply");
    absl::StatusOr<NodePtr> result;
    if (Accept("!")) {
      result = ParseUnary();
      if (result.ok()) result = Binary(Op::kNot, *result, nullptr);
    } else if (Accept("-")) {
      result = ParseUnary();
      if (result.ok()) result = Binary(Op::kNegate, *result, nullptr);
    } else {
      result = ParsePrimary();
    }
    --depth_;
    return result;
  }

  absl::StatusOr<NodePtr> ParsePrimary() {
    SkipSpace();
    if (pos_ >= text_.size()) return Error("expression ends too soon");
    const char c = text_[pos_];
    if (c == '(') {
      ++pos_;
      absl::StatusOr<NodePtr> inner = ParseOr();
      if (!inner.ok()) return inner;
      if (!Accept(")")) return Error("expected ')'");
      return inner;
    }
    if (c == '"') return ParseString();
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      return ParseNumber();
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      return ParseName();
    }
    return Error(absl::StrCat("unexpected '", text_.substr(pos_, 1), "'"));
  }

  absl::StatusOr<NodePtr> ParseString() {
    const size_t start = ++pos_;
    while (pos_ < text_.size() && text_[pos_] != '"') ++pos_;
    if (pos_ >= text_.size()) return Error("unterminated string");
    auto n = std::make_shared<Node>();
    n->op = Op::kString;
    n->string = std::string(text_.substr(start, pos_ - start));
    ++pos_;
    return NodePtr(n);
  }

  absl::StatusOr<NodePtr> ParseNumber() {
    // Only the characters a decimal number may have, not the whole rest of
    // the text: copying the rest for every number is quadratic.
    size_t length = 0;
    while (pos_ + length < text_.size() &&
           absl::string_view("0123456789.eE+-").find(text_[pos_ + length]) !=
               absl::string_view::npos) {
      ++length;
    }
    const std::string rest(text_.substr(pos_, length));
    char* end = nullptr;
    const double v = std::strtod(rest.c_str(), &end);
    if (end == rest.c_str() || !std::isfinite(v)) return Error("bad number");
    pos_ += static_cast<size_t>(end - rest.c_str());
    auto n = std::make_shared<Node>();
    n->op = Op::kNumber;
    n->number = v;
    return NodePtr(n);
  }

  absl::StatusOr<NodePtr> ParseName() {
    const size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) ||
            text_[pos_] == '_' || text_[pos_] == '.')) {
      ++pos_;
    }
    const absl::string_view name = text_.substr(start, pos_ - start);
    for (size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == name) {
        auto n = std::make_shared<Node>();
        n->op = Op::kKnob;
        n->knob = i;
        return NodePtr(n);
      }
    }
    pos_ = start;
    return Error(absl::StrCat("'", name, "' is not a knob of the space"));
  }

  static constexpr int kMaxDepth = 200;
  static constexpr int kMaxHeight = 1200;
  absl::string_view text_;
  absl::Span<const std::string> names_;
  size_t pos_ = 0;
  int depth_ = 0;
};

using Value = std::variant<bool, double, std::string>;

// The comparisons, the same for numbers and strings; nullopt for any other
// operator.
template <typename T>
std::optional<bool> Compare(Op op, const T& a, const T& b) {
  switch (op) {
    case Op::kEq:
      return a == b;
    case Op::kNe:
      return a != b;
    case Op::kLt:
      return a < b;
    case Op::kLe:
      return a <= b;
    case Op::kGt:
      return a > b;
    case Op::kGe:
      return a >= b;
    default:
      return std::nullopt;
  }
}

absl::Status EvalError(absl::string_view text, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("constraint '", text, "': ", what));
}

absl::StatusOr<Value> Eval(const Node& n, absl::Span<const KnobValue> values,
                           absl::string_view text) {
  switch (n.op) {
    case Op::kNumber:
      return Value(n.number);
    case Op::kString:
      return Value(n.string);
    case Op::kKnob: {
      const KnobValue& v = values[n.knob];
      return v.is_string() ? Value(v.string()) : Value(v.number());
    }
    default:
      break;
  }
  absl::StatusOr<Value> left = Eval(*n.left, values, text);
  if (!left.ok()) return left;
  if (n.op == Op::kNot || n.op == Op::kNegate) {
    if (n.op == Op::kNot) {
      if (!std::holds_alternative<bool>(*left)) {
        return EvalError(text, "'!' needs a condition");
      }
      return Value(!std::get<bool>(*left));
    }
    if (!std::holds_alternative<double>(*left)) {
      return EvalError(text, "'-' needs a number");
    }
    return Value(-std::get<double>(*left));
  }
  if (n.op == Op::kOr || n.op == Op::kAnd) {
    if (!std::holds_alternative<bool>(*left)) {
      return EvalError(text, "'||' and '&&' need conditions");
    }
    const bool l = std::get<bool>(*left);
    if (n.op == Op::kOr && l) return Value(true);
    if (n.op == Op::kAnd && !l) return Value(false);
    absl::StatusOr<Value> right = Eval(*n.right, values, text);
    if (!right.ok()) return right;
    if (!std::holds_alternative<bool>(*right)) {
      return EvalError(text, "'||' and '&&' need conditions");
    }
    return *right;
  }
  absl::StatusOr<Value> right = Eval(*n.right, values, text);
  if (!right.ok()) return right;
  if (left->index() != right->index() || std::holds_alternative<bool>(*left)) {
    return EvalError(text,
                     "compares or combines values of different kinds (a "
                     "number and a string, or a condition)");
  }
  if (std::holds_alternative<std::string>(*left)) {
    if (std::optional<bool> r = Compare(n.op, std::get<std::string>(*left),
                                        std::get<std::string>(*right))) {
      return Value(*r);
    }
    return EvalError(text, "arithmetic on a string");
  }
  const double a = std::get<double>(*left);
  const double b = std::get<double>(*right);
  if (std::optional<bool> r = Compare(n.op, a, b)) return Value(*r);
  switch (n.op) {
    case Op::kAdd:
      return Value(a + b);
    case Op::kSub:
      return Value(a - b);
    case Op::kMul:
      return Value(a * b);
    case Op::kDiv:
      if (b == 0) return EvalError(text, "division by zero");
      return Value(a / b);
    case Op::kMod:
      if (b == 0) return EvalError(text, "division by zero");
      return Value(std::fmod(a, b));
    default:
      return EvalError(text, "bad operator");
  }
}

}  // namespace

absl::StatusOr<Constraint> Constraint::Parse(
    absl::string_view text, absl::Span<const std::string> names) {
  Parser parser(text, names);
  absl::StatusOr<NodePtr> root = parser.ParseAll();
  if (!root.ok()) return root.status();
  Constraint c;
  c.text_ = std::string(text);
  c.root_ = *std::move(root);
  return c;
}

absl::StatusOr<bool> Constraint::Evaluate(
    absl::Span<const KnobValue> values) const {
  absl::StatusOr<Value> v = Eval(*root_, values, text_);
  if (!v.ok()) return v.status();
  if (!std::holds_alternative<bool>(*v)) {
    return EvalError(text_, "is not a condition (use a comparison)");
  }
  return std::get<bool>(*v);
}

}  // namespace m8::optimizer
