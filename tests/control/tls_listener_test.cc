// HTTPS control channel: certificates are made at run time with the openssl
// CLI; clients are curl and kea-shell.
#include <fstream>
#include <memory>
#include <string>

#include "control/http_listener.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test_util.h"

namespace shoal::control {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// A CA, a server certificate for 127.0.0.1 and a client certificate signed
// by it, plus a client certificate from an unrelated CA.
class Pki {
 public:
  static std::unique_ptr<Pki> Make(std::string* error) {
    auto pki = std::unique_ptr<Pki>(new Pki());
    const std::string& d = pki->dir_.path();
    std::ofstream(d + "/ca.ext") << "basicConstraints=critical,CA:TRUE\n"
                                    "keyUsage=critical,keyCertSign,cRLSign\n"
                                    "subjectKeyIdentifier=hash\n";
    std::ofstream(d + "/server.ext") << "basicConstraints=CA:FALSE\n"
                                        "keyUsage=critical,digitalSignature,keyEncipherment\n"
                                        "extendedKeyUsage=serverAuth\n"
                                        "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                                        "authorityKeyIdentifier=keyid\n";
    std::ofstream(d + "/client.ext") << "basicConstraints=CA:FALSE\n"
                                        "keyUsage=critical,digitalSignature\n"
                                        "extendedKeyUsage=clientAuth\n"
                                        "authorityKeyIdentifier=keyid\n";
    const std::string key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    const std::string script =
        "set -e; cd '" + d +
        "';"
        // Trusted CA and an unrelated one.
        "for ca in ca other; do "
        "  openssl req -x509 " +
        key +
        " -keyout $ca.key -out $ca.pem -days 2 "
        "    -subj /CN=shoal-test-$ca -addext basicConstraints=critical,CA:TRUE "
        "    -addext keyUsage=critical,keyCertSign,cRLSign; "
        "done;"
        // Leaf certificates.
        "mk() { openssl req -new " +
        key +
        " -keyout $1.key -out $1.csr -subj /CN=$1;"
        "  openssl x509 -req -in $1.csr -CA $2.pem -CAkey $2.key -CAcreateserial -days 2 "
        "    -extfile $3.ext -out $1.pem; };"
        "mk server ca server; mk client ca client; mk stranger other client;";
    testing::CommandResult result = testing::RunShell(script);
    if (result.exit_code != 0) {
      *error = result.output;
      return nullptr;
    }
    return pki;
  }
  std::string File(const std::string& name) const { return dir_.path() + "/" + name; }

 private:
  Pki() = default;
  testing::TempDir dir_;
};

class TlsListenerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!testing::HaveProgram("openssl") || !testing::HaveProgram("curl")) return;
    std::string error;
    pki_ = Pki::Make(&error).release();
    if (pki_ == nullptr) ADD_FAILURE() << "openssl failed: " << error;
  }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }

  void SetUp() override {
    if (pki_ == nullptr) GTEST_SKIP() << "needs openssl and curl";
    ASSERT_TRUE(registry_
                    .Register("echo",
                              [](const json& arguments) {
                                return CommandAnswer::Success("echoed", arguments);
                              })
                    .ok());
    ASSERT_TRUE(registry_
                    .Register("list-commands",
                              [this](const json&) {
                                return CommandAnswer::Success("", json(registry_.names()));
                              })
                    .ok());
  }

  config::ControlSocketConfig TlsConfig(bool cert_required = true) const {
    config::ControlSocketConfig config;
    config.type = config::ControlSocketConfig::Type::kHttps;
    config.socket_address = "127.0.0.1";
    config.socket_port = 0;
    config.trust_anchor = pki_->File("ca.pem");
    config.cert_file = pki_->File("server.pem");
    config.key_file = pki_->File("server.key");
    config.cert_required = cert_required;
    return config;
  }

  void Start(const config::ControlSocketConfig& config) {
    absl::StatusOr<std::unique_ptr<HttpListener>> listener =
        HttpListener::Create(config, registry_);
    ASSERT_TRUE(listener.ok()) << listener.status();
    listener_ = *std::move(listener);
    ASSERT_TRUE(listener_->tls());
  }

  // curl with the given client certificate ("" for none); returns the body
  // followed by "\n<http code>", or curl's error.
  testing::CommandResult Curl(const std::string& client, const std::string& body,
                              const std::string& extra = "") {
    std::string command = "curl -sS --max-time 20 -o - -w '\\n%{http_code}' --cacert '" +
                          pki_->File("ca.pem") + "' " + extra;
    if (!client.empty()) {
      command += " --cert '" + pki_->File(client + ".pem") + "' --key '" +
                 pki_->File(client + ".key") + "'";
    }
    command += " -X POST -H 'Content-Type: application/json' --data-binary @- https://127.0.0.1:" +
               std::to_string(listener_->port()) + "/";
    return testing::RunShell(command, body);
  }

  static Pki* pki_;
  CommandRegistry registry_;
  std::unique_ptr<HttpListener> listener_;
};

Pki* TlsListenerTest::pki_ = nullptr;

TEST_F(TlsListenerTest, MutualTlsWithAClientCertificate) {
  Start(TlsConfig());
  testing::CommandResult result = Curl("client", R"({"command": "echo", "arguments": 7})");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("\"arguments\":7"));
  EXPECT_THAT(result.output, HasSubstr("\n200"));
}

TEST_F(TlsListenerTest, ClientWithoutCertificateIsRejectedWhenRequired) {
  Start(TlsConfig());
  testing::CommandResult result = Curl("", R"({"command": "echo"})");
  EXPECT_NE(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, ::testing::Not(HasSubstr("echoed")));
  // The listener keeps serving good clients.
  EXPECT_EQ(Curl("client", R"({"command": "echo"})").exit_code, 0);
}

TEST_F(TlsListenerTest, ClientFromAnotherCaIsRejected) {
  Start(TlsConfig());
  testing::CommandResult result = Curl("stranger", R"({"command": "echo"})");
  EXPECT_NE(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, ::testing::Not(HasSubstr("echoed")));
}

TEST_F(TlsListenerTest, CertificateOptionalWhenNotRequired) {
  Start(TlsConfig(/*cert_required=*/false));
  testing::CommandResult result = Curl("", R"({"command": "echo"})");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("echoed"));
  // A certificate that is presented must still verify.
  EXPECT_NE(Curl("stranger", R"({"command": "echo"})").exit_code, 0);
}

TEST_F(TlsListenerTest, NoTrustAnchorWhenCertificatesAreNotRequired) {
  config::ControlSocketConfig config = TlsConfig(/*cert_required=*/false);
  config.trust_anchor = "";
  Start(config);
  testing::CommandResult result = Curl("", R"({"command": "echo"})");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("echoed"));
}

TEST_F(TlsListenerTest, PlainHttpToTheTlsPortFails) {
  Start(TlsConfig());
  std::optional<testing::Client> client = testing::Client::Tcp(listener_->port());
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->Send(testing::HttpPost(R"({"command": "echo"})")));
  EXPECT_THAT(client->ReadAll(), ::testing::Not(HasSubstr("echoed")));
}

TEST_F(TlsListenerTest, BasicAuthOverTls) {
  config::ControlSocketConfig config = TlsConfig();
  config.auth_clients = {{"admin", "pw"}};
  Start(config);
  testing::CommandResult denied = Curl("client", R"({"command": "echo"})");
  EXPECT_THAT(denied.output, HasSubstr("\n401"));
  testing::CommandResult allowed = Curl("client", R"({"command": "echo"})", "-u admin:pw");
  EXPECT_THAT(allowed.output, HasSubstr("\n200"));
}

TEST_F(TlsListenerTest, KeaShellOverMutualTls) {
  if (!testing::HaveProgram("kea-shell")) GTEST_SKIP() << "kea-shell not installed";
  Start(TlsConfig());
  testing::CommandResult result = testing::RunShell(
      "kea-shell --host 127.0.0.1 --port " + std::to_string(listener_->port()) + " --ca '" +
          pki_->File("ca.pem") + "' --cert '" + pki_->File("client.pem") + "' --key '" +
          pki_->File("client.key") + "' --service dhcp4 list-commands",
      "", /*merge_stderr=*/false);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(json::parse(result.output),
            json::array({{{"result", 0}, {"arguments", {"echo", "list-commands"}}}}));
}

TEST_F(TlsListenerTest, BadFilesAreReportedByName) {
  config::ControlSocketConfig config = TlsConfig();
  config.cert_file = pki_->File("missing.pem");
  absl::StatusOr<std::unique_ptr<HttpListener>> listener = HttpListener::Create(config, registry_);
  ASSERT_FALSE(listener.ok());
  EXPECT_THAT(std::string(listener.status().message()), HasSubstr("cert-file"));
  EXPECT_THAT(std::string(listener.status().message()), HasSubstr("missing.pem"));

  config = TlsConfig();
  config.key_file = pki_->File("client.key");  // does not match server.pem
  listener = HttpListener::Create(config, registry_);
  ASSERT_FALSE(listener.ok());
  EXPECT_THAT(std::string(listener.status().message()), HasSubstr("does not match"));

  config = TlsConfig();
  config.trust_anchor = "";  // cert-required without a trust anchor
  listener = HttpListener::Create(config, registry_);
  ASSERT_FALSE(listener.ok());
  EXPECT_THAT(std::string(listener.status().message()), HasSubstr("trust-anchor"));

  config = TlsConfig();
  config.trust_anchor = pki_->File("nope.pem");
  listener = HttpListener::Create(config, registry_);
  ASSERT_FALSE(listener.ok());
  EXPECT_THAT(std::string(listener.status().message()), HasSubstr("nope.pem"));

  config = TlsConfig();
  config.key_file = "";
  EXPECT_FALSE(HttpListener::Create(config, registry_).ok());
}

}  // namespace
}  // namespace shoal::control
