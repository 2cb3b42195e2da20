package io.prodigy.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Metadata;
import io.prodigy.api.WorkflowDefinitionException;
import io.temporal.authorization.AuthorizationGrpcMetadataProvider;
import io.temporal.serviceclient.GrpcMetadataProvider;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connection settings become the service stubs' options: SSL context, HTTPS, API key header. */
class TemporalConnectionTest {
    @TempDir
    Path tmp;

    static String authorization(WorkflowServiceStubsOptions o) {
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

    @Test
    void aPlainTargetHasNoTlsAndNoCredentials() {
        WorkflowServiceStubsOptions o =
                TemporalConnection.builder("127.0.0.1:7233").build().serviceStubsOptions();

        assertThat(o.getTarget()).isEqualTo("127.0.0.1:7233");
        assertThat(o.getEnableHttps()).isFalse();
        assertThat(o.getSslContext()).isNull();
        assertThat(authorization(o)).isNull();
    }

    @Test
    void tlsAloneUsesTheJvmTrustStore() {
        WorkflowServiceStubsOptions o = TemporalConnection.builder("temporal.example.com:7233")
                .tls(true)
                .build()
                .serviceStubsOptions();

        assertThat(o.getEnableHttps()).isTrue();
        assertThat(o.getSslContext()).isNull();
    }

    @Test
    void mutualTlsBuildsAClientSslContextFromThePemFiles() throws Exception {
        TlsFiles files = TlsFiles.create(tmp);
        TemporalConnection c = TemporalConnection.builder("ns.a1b2c.tmprl.cloud:7233")
                .namespace("ns.a1b2c")
                .tlsClientCertificate(files.cert(), files.key())
                .tlsCa(files.cert())
                .build();

        WorkflowServiceStubsOptions o = c.serviceStubsOptions();

        assertThat(c.tls()).isTrue();
        assertThat(o.getEnableHttps()).isTrue();
        assertThat(o.getSslContext()).isNotNull();
        assertThat(o.getSslContext().isClient()).isTrue();
        assertThat(c.toString()).contains("TLS", "client certificate");
    }

    @Test
    void anApiKeyGoesIntoTheAuthorizationHeaderOnlyAndImpliesTls() {
        TemporalConnection c = TemporalConnection.builder("ns.a1b2c.tmprl.cloud:7233")
                .namespace("ns.a1b2c")
                .apiKey("sekret-key-123")
                .build();

        WorkflowServiceStubsOptions o = c.serviceStubsOptions();

        assertThat(o.getEnableHttps()).isTrue();
        assertThat(authorization(o)).isEqualTo("Bearer sekret-key-123");
        assertThat(o.getHeaders().get(Metadata.Key.of("temporal-namespace", Metadata.ASCII_STRING_MARSHALLER)))
                .isEqualTo("ns.a1b2c");
        assertThat(c.toString()).doesNotContain("sekret").contains("API key ***");
    }

    @Test
    void theExecutorAndTheWorkerHostConnectWithTheConnectionsOptions() throws Exception {
        TemporalConnection c = TemporalConnection.builder("127.0.0.1:1")
                .namespace("agents")
                .apiKey("k-1")
                .build();
        try (TemporalMapExecutor executor =
                TemporalMapExecutor.builder().connection(c).build()) {
            WorkflowServiceStubsOptions o = executor.serviceStubsOptions().orElseThrow();
            assertThat(o.getTarget()).isEqualTo("127.0.0.1:1");
            assertThat(authorization(o)).isEqualTo("Bearer k-1");
            assertThat(executor.connection()).contains(c);
        }
    }

    @Test
    void missingOrBrokenFilesAreClearErrors() throws Exception {
        Path missing = tmp.resolve("nope.pem");
        assertThatThrownBy(
                        () -> TemporalConnection.builder("h:1").tlsCa(missing).build())
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining(missing.toString());
        Path broken = Files.writeString(tmp.resolve("broken.pem"), "not a certificate\n");
        TemporalConnection c = TemporalConnection.builder("h:1").tlsCa(broken).build();
        assertThatThrownBy(c::serviceStubsOptions)
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("cannot set up TLS")
                .hasMessageContaining("broken.pem");
        assertThatThrownBy(() -> TemporalConnection.builder("h:1").apiKey(" "))
                .isInstanceOf(WorkflowDefinitionException.class);
    }
}
