package io.prodigy.cli;

import io.prodigy.api.WorkflowDefinitionException;
import io.prodigy.temporal.TemporalConnection;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --tls}, {@code --tls-cert}, {@code --tls-key}, {@code --tls-ca}, {@code --tls-server-name} and
 * {@code --api-key} of {@code run}, {@code resume} and {@code worker}: how the connection to a secured Temporal
 * server or Temporal Cloud is made. Flags win over config.yml; the API key comes from {@code --api-key}, else
 * config.yml, else the environment variable {@code TEMPORAL_API_KEY} (or {@code temporal.api_key_env}).
 */
final class TemporalConnectionOptions {
    @Option(
            names = "--tls",
            description = "Connect to Temporal with TLS (the JVM's trust store unless --tls-ca). "
                    + "Implied by --tls-cert, --tls-ca and an API key. Config: temporal.tls.")
    boolean tls;

    @Option(
            names = "--tls-cert",
            paramLabel = "PEM",
            description = "Client certificate for mTLS (with " + "--tls-key). Config: temporal.tls_cert.")
    Path tlsCert;

    @Option(
            names = "--tls-key",
            paramLabel = "PEM",
            description = "The client certificate's private key " + "(PKCS#8 PEM). Config: temporal.tls_key.")
    Path tlsKey;

    @Option(
            names = "--tls-ca",
            paramLabel = "PEM",
            description = "CA certificate of the server's certificate. " + "Config: temporal.tls_ca.")
    Path tlsCa;

    @Option(
            names = "--tls-server-name",
            paramLabel = "NAME",
            description = "The name the server's certificate "
                    + "is checked against (default: the target's host). Config: temporal.tls_server_name.")
    String tlsServerName;

    @Option(
            names = "--api-key",
            paramLabel = "KEY",
            description = "API key (Temporal Cloud); implies TLS. "
                    + "Prefer the environment variable TEMPORAL_API_KEY: a flag shows in the process list.")
    String apiKey;

    /**
     * @param target the frontend, {@code HOST:PORT}
     * @param namespace the namespace
     * @param config the configured security
     * @param env the environment (for the API key variable)
     * @return the connection
     * @throws CliException for a certificate without key (or the reverse) or an unreadable file
     */
    TemporalConnection connection(
            String target, String namespace, CliConfig.TemporalSecurity config, Map<String, String> env) {
        Path cert = tlsCert != null ? tlsCert : tlsKey != null ? null : config.tlsCert();
        Path key = tlsKey != null ? tlsKey : tlsCert != null ? null : config.tlsKey();
        if ((cert == null) != (key == null)) {
            throw CliException.usage(
                    "--tls-cert and --tls-key go together (the client certificate and its " + "private key)");
        }
        Path ca = tlsCa != null ? tlsCa : config.tlsCa();
        String server = tlsServerName != null ? tlsServerName : config.tlsServerName();
        String k = apiKey != null ? apiKey : config.apiKey();
        if (k == null) {
            String var = config.apiKeyEnv() == null ? "TEMPORAL_API_KEY" : config.apiKeyEnv();
            k = env.get(var);
        }
        try {
            TemporalConnection.Builder b =
                    TemporalConnection.builder(target).namespace(namespace).tls(tls || config.tls());
            if (cert != null) {
                b.tlsClientCertificate(cert.toAbsolutePath(), key.toAbsolutePath());
            }
            if (ca != null) {
                b.tlsCa(ca.toAbsolutePath());
            }
            if (server != null && !server.isBlank()) {
                b.tlsServerName(server);
            }
            if (k != null && !k.isBlank()) {
                b.apiKey(k);
            }
            return b.build();
        } catch (WorkflowDefinitionException e) {
            throw CliException.usage(e.getMessage());
        }
    }
}
