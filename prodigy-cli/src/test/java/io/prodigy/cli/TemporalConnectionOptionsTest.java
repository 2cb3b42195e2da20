package io.prodigy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.temporal.TemporalConnection;
import io.prodigy.temporal.TemporalMapExecutor;
import io.temporal.authorization.AuthorizationGrpcMetadataProvider;
import io.temporal.serviceclient.GrpcMetadataProvider;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The TLS and API key options of run, resume and worker, and their config.yml keys, reach the service stubs. */
class TemporalConnectionOptionsTest {
    @TempDir
    Path tmp;

    private static String authorization(WorkflowServiceStubsOptions o) {
        if (o.getGrpcMetadataProviders() == null) {
            return null;
        }
        for (GrpcMetadataProvider p : o.getGrpcMetadataProviders()) {
            String v = p.getMetadata().get(AuthorizationGrpcMetadataProvider.AUTHORIZATION_HEADER_KEY);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /** Writes a self-signed certificate and its key as PEM (keytool of this JDK). */
    private Path[] certificate() throws Exception {
        Path store = tmp.resolve("t.p12");
        Process p = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "t",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=test",
                        "-validity",
                        "2",
                        "-keystore",
                        store.toString(),
                        "-storetype",
                        "PKCS12",
                        "-storepass",
                        "changeit"))
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        Base64.Encoder b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        Path cert = Files.writeString(
                tmp.resolve("client.pem"),
                "-----BEGIN CERTIFICATE-----\n"
                        + b64.encodeToString(ks.getCertificate("t").getEncoded()) + "\n-----END CERTIFICATE-----\n");
        Path key = Files.writeString(
                tmp.resolve("client.key"),
                "-----BEGIN PRIVATE KEY-----\n"
                        + b64.encodeToString(
                                ks.getKey("t", "changeit".toCharArray()).getEncoded())
                        + "\n-----END PRIVATE KEY-----\n");
        return new Path[] {cert, key};
    }

    @Test
    void workerFlagsMakeAnMtlsConnectionAndTheApiKeyComesFromTheEnvironment() throws Exception {
        Path[] pem = certificate();
        WorkerCommand worker = new WorkerCommand();
        new CommandLine(worker)
                .parseArgs(
                        "--target",
                        "ns.a1b2c.tmprl.cloud:7233",
                        "--tls-cert",
                        pem[0].toString(),
                        "--tls-key",
                        pem[1].toString(),
                        "--tls-ca",
                        pem[0].toString());

        TemporalConnection c = worker.connection.connection(
                "ns.a1b2c.tmprl.cloud:7233",
                "ns.a1b2c",
                CliConfig.TemporalSecurity.NONE,
                Map.of("TEMPORAL_API_KEY", "env-key-1"));
        WorkflowServiceStubsOptions o = c.serviceStubsOptions();

        assertThat(o.getEnableHttps()).isTrue();
        assertThat(o.getSslContext()).isNotNull();
        assertThat(o.getSslContext().isClient()).isTrue();
        assertThat(authorization(o)).isEqualTo("Bearer env-key-1");
        assertThat(c.toString()).doesNotContain("env-key-1");
    }

    @Test
    void runFlagsWinOverTheEnvironmentAndReachTheExecutor() {
        RunCommand run = new RunCommand();
        new CommandLine(run)
                .parseArgs(
                        "workflow.yml",
                        "--executor",
                        "temporal",
                        "--target",
                        "127.0.0.1:1",
                        "--api-key",
                        "flag-key",
                        "--tls");

        try (TemporalMapExecutor executor =
                run.executorOptions.create(CliConfig.DEFAULTS, null, Map.of("TEMPORAL_API_KEY", "env-key"))) {
            WorkflowServiceStubsOptions o = executor.serviceStubsOptions().orElseThrow();
            assertThat(o.getTarget()).isEqualTo("127.0.0.1:1");
            assertThat(o.getEnableHttps()).isTrue();
            assertThat(authorization(o)).isEqualTo("Bearer flag-key");
        }
    }

    @Test
    void configYmlSetsTlsFilesRelativeToItselfAndTheApiKeyVariable() throws Exception {
        certificate();
        Path home = tmp;
        Files.writeString(
                home.resolve("config.yml"),
                "executor: temporal\ntemporal:\n  target: 127.0.0.1:1\n"
                        + "  namespace: agents\n  tls_cert: client.pem\n  tls_key: client.key\n  tls_ca: client.pem\n"
                        + "  api_key_env: MY_TEMPORAL_KEY\n");
        CliConfig config = CliConfig.load(home, null);
        assertThat(config.executor().security().tlsCa())
                .isEqualTo(tmp.resolve("client.pem").toAbsolutePath());

        try (TemporalMapExecutor executor = new ExecutorOptions()
                .create(config, null, Map.of("MY_TEMPORAL_KEY", "cfg-key", "TEMPORAL_API_KEY", "other"))) {
            WorkflowServiceStubsOptions o = executor.serviceStubsOptions().orElseThrow();
            assertThat(o.getSslContext()).isNotNull();
            assertThat(authorization(o)).isEqualTo("Bearer cfg-key");
            assertThat(executor.connection().orElseThrow().namespace()).isEqualTo("agents");
        }
    }

    @Test
    void halfAClientCertificateAndUnknownKeysAreClearErrors() throws Exception {
        Path[] pem = certificate();
        WorkerCommand worker = new WorkerCommand();
        new CommandLine(worker).parseArgs("--target", "h:1", "--tls-cert", pem[0].toString());
        assertThatThrownBy(
                        () -> worker.connection.connection("h:1", "default", CliConfig.TemporalSecurity.NONE, Map.of()))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("--tls-key");

        Files.writeString(tmp.resolve("config.yml"), "temporal:\n  tls_certs: a.pem\n");
        assertThatThrownBy(() -> CliConfig.load(tmp, null))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("temporal.tls_certs")
                .hasMessageContaining("tls_cert");
        Files.writeString(tmp.resolve("config.yml"), "temporal:\n  tls_cert: a.pem\n");
        assertThatThrownBy(() -> CliConfig.load(tmp, null))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("tls_key");
    }
}
