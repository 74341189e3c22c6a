// config-write writes only in the directory of the -c file, mode 0600.
#include "config/config_files.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace shoal::config {
namespace {

using ::testing::HasSubstr;

class ConfigWriteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/shoal-config-write-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    root_ = dir;
    etc_ = root_ + "/etc";
    other_ = root_ + "/other";
    ASSERT_EQ(mkdir(etc_.c_str(), 0700), 0);
    ASSERT_EQ(mkdir(other_.c_str(), 0700), 0);
    config_ = etc_ + "/shoal-dhcp4.json";
    std::ofstream(config_) << "{}";
  }
  void TearDown() override { std::system(("rm -rf " + root_).c_str()); }

  std::string root_, etc_, other_, config_;
};

TEST_F(ConfigWriteTest, WritesTheConfigFileOrANameBesideIt) {
  EXPECT_EQ(*ConfigWritePath(config_, ""), config_);
  EXPECT_EQ(*ConfigWritePath(config_, "backup.json"), etc_ + "/backup.json");
  EXPECT_EQ(*ConfigWritePath(config_, etc_ + "/backup.json"), etc_ + "/backup.json");
}

TEST_F(ConfigWriteTest, RefusesEverythingElseSayingWhereFilesMayGo) {
  for (const std::string& bad :
       {other_ + "/x.json", std::string("/etc/passwd"), std::string("../other/x.json"),
        etc_ + "/../other/x.json", std::string("sub/x.json"), etc_ + "/", std::string(".")}) {
    auto path = ConfigWritePath(config_, bad);
    ASSERT_FALSE(path.ok()) << bad << " -> " << *path;
    EXPECT_THAT(std::string(path.status().message()), HasSubstr("config-write writes only in"))
        << bad;
  }
  // A symbolic link to another directory does not lead out of it.
  ASSERT_EQ(symlink(other_.c_str(), (etc_ + "/link").c_str()), 0);
  EXPECT_FALSE(ConfigWritePath(config_, "link/x.json").ok());
  // Nor may a directory or a device be replaced.
  ASSERT_EQ(mkdir((etc_ + "/dir").c_str(), 0700), 0);
  EXPECT_FALSE(ConfigWritePath(config_, "dir").ok());
  EXPECT_FALSE(ConfigWritePath("", "x.json").ok());
}

TEST_F(ConfigWriteTest, TheFileIsReplacedWithModeSixHundred) {
  chmod(config_.c_str(), 0644);
  ASSERT_TRUE(WriteFileAtomically(config_, "{\"Dhcp4\": {}}\n").ok());
  struct stat st;
  ASSERT_EQ(stat(config_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  std::ifstream in(config_);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "{\"Dhcp4\": {}}\n");
}

}  // namespace
}  // namespace shoal::config
