// shoal-admin against a real MariaDB or PostgreSQL (SHOAL_TEST_DIALECT picks
// which; servers from `scripts/db.sh start`): in-process through RunAdmin,
// through the built binary, and side by side with Kea's kea-admin.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "admin/admin.h"
#include "db/schema.h"
#include "tests/db/test_database.h"

namespace shoal::admin {
namespace {

using ::testing::HasSubstr;

const db::Dialect kDialect = db::testing::DialectFromName(SHOAL_TEST_DIALECT);
const std::string kBackend = SHOAL_TEST_DIALECT;

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string SourceDir() {
  const char* s = std::getenv("SHOAL_SOURCE_DIR");
  return s ? s : ".";
}

std::string TestData(const std::string& name) {
  return SourceDir() + "/tests/admin/testdata/" + name;
}

struct Result {
  int code;
  std::string out;
  std::string err;
};

class AdminSqlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = db::testing::ScratchDatabase::Create(kDialect);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    const db::DatabaseParams& p = db_->params();
    connection_args_ = {"-u", p.user, "-n", p.name, "-h", p.host, "-P", absl::StrCat(p.port)};
    env_.getenv = [this](const std::string& name) -> std::optional<std::string> {
      if (name == "SHOAL_ADMIN_DB_PASSWORD") return db_->params().password;
      return std::nullopt;
    };
    dir_ = std::filesystem::temp_directory_path() / db_->params().name;
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Result Run(const std::string& verb, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {verb, kBackend};
    args.insert(args.end(), connection_args_.begin(), connection_args_.end());
    args.insert(args.end(), extra.begin(), extra.end());
    std::ostringstream out, err;
    int code = RunAdmin(args, out, err, env_);
    return {code, out.str(), err.str()};
  }

  std::unique_ptr<db::testing::ScratchDatabase> db_;
  std::vector<std::string> connection_args_;
  AdminEnvironment env_;
  std::filesystem::path dir_;
};

TEST_F(AdminSqlTest, DbInitOnEmptyDatabase) {
  Result r = Run("db-init");
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out, absl::StrCat("Database version reported after initialization: ",
                                db::RequiredSchemaVersion(kDialect).ToString(), "\n"));
}

TEST_F(AdminSqlTest, DbInitRefusesNonEmptyDatabase) {
  auto c = db_->Connect();
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*c)->ExecuteDirect("CREATE TABLE keep_me (x INT)").ok());
  Result r = Run("db-init");
  EXPECT_EQ(r.code, kExitNotEmpty);
  EXPECT_THAT(r.err, HasSubstr("expected an empty database"));
  EXPECT_THAT(r.err, HasSubstr("keep_me"));
  // Also refuses its own schema the second time.
  ASSERT_TRUE((*c)->ExecuteDirect("DROP TABLE keep_me").ok());
  EXPECT_EQ(Run("db-init").code, kExitOk);
  EXPECT_EQ(Run("db-init").code, kExitNotEmpty);
}

TEST_F(AdminSqlTest, DbVersion) {
  Result none = Run("db-version");
  EXPECT_EQ(none.code, kExitSchema);
  EXPECT_THAT(none.err, HasSubstr("shoal-admin db-init " + kBackend));
  ASSERT_EQ(Run("db-init").code, kExitOk);
  Result r = Run("db-version");
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out, db::RequiredSchemaVersion(kDialect).ToString() + "\n");
}

TEST_F(AdminSqlTest, DbUpgradeFromEveryEarlierVersionThenNoOp) {
  auto migrations = db::Migrations(kDialect);
  ASSERT_TRUE(migrations.ok());
  ASSERT_GE(migrations->size(), 2u);
  auto c = db_->Connect();
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(db::InitSchema(**c, migrations->front().version).ok());
  EXPECT_EQ(Run("db-version").out, "1.0\n");
  Result up = Run("db-upgrade");
  EXPECT_EQ(up.code, kExitOk) << up.err;
  EXPECT_THAT(up.out, HasSubstr("Database version reported before upgrade: 1.0"));
  for (size_t i = 1; i < migrations->size(); ++i) {
    EXPECT_THAT(up.out, HasSubstr("Applied " + (*migrations)[i].file_name));
  }
  std::string newest = migrations->back().version.ToString();
  EXPECT_THAT(up.out, HasSubstr("Database version reported after upgrade: " + newest));
  EXPECT_EQ(Run("db-version").out, newest + "\n");
  Result again = Run("db-upgrade");
  EXPECT_EQ(again.code, kExitOk);
  EXPECT_THAT(again.out, HasSubstr("Schema is current; nothing to do"));
}

TEST_F(AdminSqlTest, DbUpgradeWithoutSchemaIsASchemaError) {
  Result r = Run("db-upgrade");
  EXPECT_EQ(r.code, kExitSchema);
  EXPECT_THAT(r.err, HasSubstr("db-init"));
}

TEST_F(AdminSqlTest, LeaseUploadAndDumpRoundTripAKeaLeaseFile) {
  ASSERT_EQ(Run("db-init").code, kExitOk);
  Result up = Run("lease-upload", {"-4", "-i", TestData("kea-leases4.csv")});
  ASSERT_EQ(up.code, kExitOk) << up.err;
  EXPECT_THAT(up.err, HasSubstr("uploaded 6 lease(s)"));
  std::string out = (dir_ / "dump.csv").string();
  Result dump = Run("lease-dump", {"-4", "-o", out});
  ASSERT_EQ(dump.code, kExitOk) << dump.err;
  // kea-leases4.lfc.csv is what Kea's own kea-lfc 2.2 wrote for
  // kea-leases4.csv: last entry wins, the deleted lease is gone, escapes kept.
  EXPECT_EQ(ReadFile(out), ReadFile(TestData("kea-leases4.lfc.csv")));

  // The dump uploads again into an empty database and dumps the same.
  auto other = db::testing::ScratchDatabase::Create(kDialect);
  ASSERT_TRUE(other.ok());
  auto saved = connection_args_;
  connection_args_[3] = (*other)->params().name;
  ASSERT_EQ(Run("db-init").code, kExitOk);
  ASSERT_EQ(Run("lease-upload", {"-4", "-i", out}).code, kExitOk);
  std::string out2 = (dir_ / "dump2.csv").string();
  ASSERT_EQ(Run("lease-dump", {"-4", "-o", out2}).code, kExitOk);
  EXPECT_EQ(ReadFile(out2), ReadFile(out));
  connection_args_ = saved;

  // Existing output needs -y.
  Result exists = Run("lease-dump", {"-4", "-o", out});
  EXPECT_EQ(exists.code, kExitFile);
  EXPECT_THAT(exists.err, HasSubstr("-y"));
  EXPECT_EQ(Run("lease-dump", {"-4", "-o", out, "-y"}).code, kExitOk);

  // Uploading the same leases again fails as a whole.
  Result dup = Run("lease-upload", {"-4", "-i", TestData("kea-leases4.csv")});
  EXPECT_EQ(dup.code, kExitDatabase);
  EXPECT_THAT(dup.err, HasSubstr("already in the database; nothing was uploaded"));
}

TEST_F(AdminSqlTest, LeaseUploadIsAllOrNothing) {
  ASSERT_EQ(Run("db-init").code, kExitOk);
  auto c = db_->Connect();
  ASSERT_TRUE(c.ok());
  // 192.0.2.15 is already leased: nothing from the file may be stored.
  ASSERT_TRUE((*c)->ExecuteDirect("INSERT INTO lease4 (address, valid_lifetime, subnet_id, state) "
                                  "VALUES (3221225999, 60, 1, 0)")
                  .ok());
  EXPECT_EQ(Run("lease-upload", {"-4", "-i", TestData("kea-leases4.csv")}).code, kExitDatabase);
  auto n = (*c)->Query("SELECT COUNT(*) FROM lease4");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n->rows[0].Int64(0), 1);
}

TEST_F(AdminSqlTest, LeaseCommandsNeedTheSchemaAndAReadableFile) {
  Result no_schema = Run("lease-dump", {"-4", "-o", (dir_ / "x.csv").string()});
  EXPECT_EQ(no_schema.code, kExitSchema);
  ASSERT_EQ(Run("db-init").code, kExitOk);
  Result missing = Run("lease-upload", {"-4", "-i", (dir_ / "missing.csv").string()});
  EXPECT_EQ(missing.code, kExitFile);
  std::ofstream((dir_ / "empty.csv").string())
      << "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,"
         "state,user_context\n";
  Result empty = Run("lease-upload", {"-4", "-i", (dir_ / "empty.csv").string()});
  EXPECT_EQ(empty.code, kExitFile);
  EXPECT_THAT(empty.err, HasSubstr("has no leases"));
}

TEST_F(AdminSqlTest, PasswordSources) {
  // Wrong password on the command line wins over the environment.
  Result bad = Run("db-version", {"-p", "wrong-password"});
  EXPECT_EQ(bad.code, kExitDatabase);
  EXPECT_THAT(bad.err, HasSubstr("cannot connect"));
  EXPECT_THAT(bad.err, ::testing::Not(HasSubstr("wrong-password")));
  // -p without a value asks.
  bool asked = false;
  env_.prompt_password = [&]() -> absl::StatusOr<std::string> {
    asked = true;
    return db_->params().password;
  };
  env_.getenv = [](const std::string&) { return std::nullopt; };
  ASSERT_EQ(Run("db-init", {"-p"}).code, kExitOk);
  EXPECT_TRUE(asked);
  // KEA_ADMIN_DB_PASSWORD is honoured too.
  env_.getenv = [this](const std::string& name) -> std::optional<std::string> {
    if (name == "KEA_ADMIN_DB_PASSWORD") return db_->params().password;
    return std::nullopt;
  };
  EXPECT_EQ(Run("db-version").code, kExitOk);
}

// The built binary: exit codes as documented, password from the environment.
int RunBinary(const std::string& args, const std::string& password) {
  const char* bin = std::getenv("SHOAL_BINARY_DIR");
  std::string cmd = absl::StrCat("SHOAL_ADMIN_DB_PASSWORD='", password, "' ", bin ? bin : ".",
                                 "/bin/shoal-admin ", args, " >/dev/null 2>&1");
  int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_F(AdminSqlTest, BinaryExitCodes) {
  std::string conn = absl::StrJoin(connection_args_, " ");
  const std::string& pw = db_->params().password;
  EXPECT_EQ(RunBinary(absl::StrCat("db-version ", kBackend, " ", conn), pw), kExitSchema);
  EXPECT_EQ(RunBinary(absl::StrCat("db-init ", kBackend, " ", conn), pw), kExitOk);
  EXPECT_EQ(RunBinary(absl::StrCat("db-init ", kBackend, " ", conn), pw), kExitNotEmpty);
  EXPECT_EQ(RunBinary(absl::StrCat("db-upgrade ", kBackend, " ", conn), pw), kExitOk);
  EXPECT_EQ(RunBinary(absl::StrCat("db-version ", kBackend, " ", conn), "wrong"), kExitDatabase);
  EXPECT_EQ(RunBinary(absl::StrCat("db-version nosuch ", conn), pw), kExitUsage);
}

// Kea's own tool on Kea's own schema and shoal-admin on shoal's schema agree
// on the same lease file. kea-admin cannot upload infinite leases (its
// lease4Upload feeds the CSV expire, cltt + 0xffffffff, to FROM_UNIXTIME /
// to_timestamp), so that row is left out here.
TEST_F(AdminSqlTest, AgreesWithKeaAdmin) {
  ASSERT_EQ(std::system("command -v kea-admin >/dev/null"), 0)
      << "kea-admin is not installed; run scripts/install-deps.sh";
  std::string input = (dir_ / "kea.csv").string();
  {
    std::ifstream in(TestData("kea-leases4.csv"));
    std::ofstream out(input);
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("10.0.0.1,", 0) != 0) out << line << "\n";
    }
  }
  // shoal side.
  ASSERT_EQ(Run("db-init").code, kExitOk);
  ASSERT_EQ(Run("lease-upload", {"-4", "-i", input}).code, kExitOk);
  std::string ours = (dir_ / "ours.csv").string();
  ASSERT_EQ(Run("lease-dump", {"-4", "-o", ours}).code, kExitOk);

  // Kea side, on its own scratch database.
  auto kea_db = db::testing::ScratchDatabase::Create(kDialect);
  ASSERT_TRUE(kea_db.ok());
  const db::DatabaseParams& k = (*kea_db)->params();
  std::string base = absl::StrCat("KEA_ADMIN_DB_PASSWORD='", k.password, "' kea-admin ");
  std::string conn = absl::StrCat(kBackend, " -u ", k.user, " -n ", k.name, " -h ", k.host, " -P ",
                                  k.port, " -x --port=", k.port);
  std::string theirs = (dir_ / "theirs.csv").string();
  // kea-admin works in /tmp/<input basename>.tmp*: a unique input name keeps
  // parallel runs apart.
  std::string kea_input = (dir_ / (k.name + ".csv")).string();
  std::filesystem::copy_file(input, kea_input);
  ASSERT_EQ(std::system((base + "db-init " + conn + " >/dev/null 2>&1").c_str()), 0);
  ASSERT_EQ(
      std::system(
          (base + "lease-upload " + conn + " -4 -y -i " + kea_input + " >/dev/null 2>&1").c_str()),
      0);
  ASSERT_EQ(std::system(
                (base + "lease-dump " + conn + " -4 -y -o " + theirs + " >/dev/null 2>&1").c_str()),
            0);
  for (const char* suffix : {".tmp", ".tmp.1", ".tmp.2", ".tmp.output", ".tmp.completed"}) {
    std::filesystem::remove(std::string("/tmp/") + k.name + ".csv" + suffix);
  }
  EXPECT_EQ(ReadFile(ours), ReadFile(theirs));
}

}  // namespace
}  // namespace shoal::admin
