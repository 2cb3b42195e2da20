package io.prodigy.temporal;

import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.prodigy.api.WorkflowDefinitionException;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How to reach a Temporal service: the frontend's address and, for a secured server or Temporal Cloud, TLS (with a
 * client certificate for mTLS, and a CA for a private server certificate) or an API key. Immutable. The API key is
 * sent as a gRPC {@code authorization} header only: it never appears in {@link #toString()}, in logs, or in any
 * workflow payload.
 */
public final class TemporalConnection {
    /** The gRPC header Temporal Cloud reads the namespace from when an API key authenticates. */
    static final Metadata.Key<String> NAMESPACE_HEADER =
            Metadata.Key.of("temporal-namespace", Metadata.ASCII_STRING_MARSHALLER);

    private final String target;
    private final String namespace;
    private final boolean tls;
    private final Path tlsCert;
    private final Path tlsKey;
    private final Path tlsCa;
    private final String serverName;
    private final String apiKey;

    private TemporalConnection(Builder b) {
        this.target = b.target;
        this.namespace = b.namespace;
        this.tlsCert = b.tlsCert;
        this.tlsKey = b.tlsKey;
        this.tlsCa = b.tlsCa;
        this.serverName = b.serverName;
        this.apiKey = b.apiKey;
        this.tls = b.tls || tlsCert != null || tlsCa != null || apiKey != null;
    }

    /** @param target the frontend, {@code HOST:PORT} @return a builder for it */
    public static Builder builder(String target) {
        return new Builder(target);
    }

    /** @return the frontend, {@code HOST:PORT} */
    public String target() {
        return target;
    }

    /** @return the namespace */
    public String namespace() {
        return namespace;
    }

    /** @return whether the connection uses TLS (asked for, or implied by a certificate, a CA or an API key) */
    public boolean tls() {
        return tls;
    }

    /** @return whether an API key authenticates the connection */
    public boolean hasApiKey() {
        return apiKey != null;
    }

    /**
     * @return the service stubs' options for this connection: the target, and with TLS an SSL context (client
     *     certificate and key for mTLS, the CA as trust anchor, else the JVM's default trust store), and with an API
     *     key an {@code authorization: Bearer} header and the {@code temporal-namespace} header
     * @throws WorkflowDefinitionException if a certificate, key or CA file cannot be read or is not valid PEM
     */
    public WorkflowServiceStubsOptions serviceStubsOptions() {
        WorkflowServiceStubsOptions.Builder b =
                WorkflowServiceStubsOptions.newBuilder().setTarget(target);
        if (tls) {
            b.setEnableHttps(true);
            if (tlsCert != null || tlsCa != null || serverName != null) {
                b.setSslContext(sslContext());
            }
            if (serverName != null) {
                b.setChannelInitializer(channel -> channel.overrideAuthority(serverName));
            }
        }
        if (apiKey != null) {
            String key = apiKey;
            b.addApiKey(() -> key);
            Metadata headers = new Metadata();
            headers.put(NAMESPACE_HEADER, namespace);
            b.setHeaders(headers);
        }
        return b.build();
    }

    private io.grpc.netty.shaded.io.netty.handler.ssl.SslContext sslContext() {
        SslContextBuilder ssl = GrpcSslContexts.forClient();
        try {
            if (tlsCert != null) {
                try (var cert = Files.newInputStream(tlsCert);
                        var key = Files.newInputStream(tlsKey)) {
                    ssl.keyManager(cert, key);
                }
            }
            if (tlsCa != null) {
                try (var ca = Files.newInputStream(tlsCa)) {
                    ssl.trustManager(ca);
                }
            }
            return ssl.build();
        } catch (IOException | IllegalArgumentException e) {
            throw new WorkflowDefinitionException("cannot set up TLS to Temporal at " + target + " (certificate "
                    + tlsCert + ", key " + tlsKey + ", CA " + tlsCa + "): " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return target + " (namespace " + namespace + (tls ? ", TLS" : "")
                + (tlsCert != null ? ", client certificate " + tlsCert : "") + (tlsCa != null ? ", CA " + tlsCa : "")
                + (apiKey != null ? ", API key ***" : "")
                + ")";
    }

    /** Builds a {@link TemporalConnection}. */
    public static final class Builder {
        private final String target;
        private String namespace = "default";
        private boolean tls;
        private Path tlsCert;
        private Path tlsKey;
        private Path tlsCa;
        private String serverName;
        private String apiKey;

        private Builder(String target) {
            this.target = WorkflowDefinitionException.requireNonNull(target, "target");
            if (target.isBlank()) {
                throw new WorkflowDefinitionException("the Temporal target must be HOST:PORT, not blank");
            }
        }

        /** @param ns the namespace; default {@code default} @return this */
        public Builder namespace(String ns) {
            this.namespace = WorkflowDefinitionException.requireNonNull(ns, "namespace");
            return this;
        }

        /** @param on whether to use TLS with the JVM's trust store (implied by the other TLS options) @return this */
        public Builder tls(boolean on) {
            this.tls = on;
            return this;
        }

        /**
         * @param cert the client certificate (PEM) for mTLS
         * @param key its private key (PKCS#8 PEM)
         * @return this
         */
        public Builder tlsClientCertificate(Path cert, Path key) {
            this.tlsCert = WorkflowDefinitionException.requireNonNull(cert, "cert");
            this.tlsKey = WorkflowDefinitionException.requireNonNull(key, "key");
            return this;
        }

        /** @param ca the CA certificate (PEM) that signed the server's certificate @return this */
        public Builder tlsCa(Path ca) {
            this.tlsCa = WorkflowDefinitionException.requireNonNull(ca, "ca");
            return this;
        }

        /** @param name the server name the server's certificate is checked against, if not the target's host
         * @return this */
        public Builder tlsServerName(String name) {
            this.serverName = WorkflowDefinitionException.requireNonNull(name, "name");
            return this;
        }

        /** @param key an API key (Temporal Cloud); implies TLS @return this */
        public Builder apiKey(String key) {
            WorkflowDefinitionException.requireNonNull(key, "key");
            if (key.isBlank()) {
                throw new WorkflowDefinitionException("the Temporal API key is blank");
            }
            this.apiKey = key.strip();
            return this;
        }

        /** @return the connection @throws WorkflowDefinitionException if a named file does not exist */
        public TemporalConnection build() {
            for (Path p : new Path[] {tlsCert, tlsKey, tlsCa}) {
                if (p != null && !Files.isReadable(p)) {
                    throw new WorkflowDefinitionException("TLS file " + p + " does not exist or cannot be read");
                }
            }
            return new TemporalConnection(this);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TemporalConnection c
                && c.target.equals(target)
                && c.namespace.equals(namespace)
                && c.tls == tls
                && Objects.equals(c.tlsCert, tlsCert)
                && Objects.equals(c.tlsKey, tlsKey)
                && Objects.equals(c.tlsCa, tlsCa)
                && Objects.equals(c.serverName, serverName)
                && Objects.equals(c.apiKey, apiKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(target, namespace, tls, tlsCert, tlsKey, tlsCa, serverName);
    }
}
