// Paths of the golden files under test/data/analysis/ (M8_TEST_DATA, set by
// m8_add_test), and small helpers shared by the analysis tests.

#ifndef M8_TEST_ANALYSIS_TEST_DATA_H_
#define M8_TEST_ANALYSIS_TEST_DATA_H_

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace m8::analysis::testing {

inline std::string DataPath(const std::string& relative) {
  const char* root = std::getenv("M8_TEST_DATA");
  EXPECT_NE(root, nullptr) << "M8_TEST_DATA is not set (run through ctest)";
  return std::string(root == nullptr ? "test/data" : root) + "/analysis/" +
         relative;
}

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace m8::analysis::testing

#endif  // M8_TEST_ANALYSIS_TEST_DATA_H_
