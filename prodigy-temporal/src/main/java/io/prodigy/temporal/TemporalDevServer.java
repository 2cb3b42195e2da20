package io.prodigy.temporal;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Temporal's in-memory test server, bound to the loopback address only: for trying the Temporal executor and several
 * workers on one machine. Everything is lost when it stops; use a real Temporal server or Temporal Cloud otherwise.
 */
public final class TemporalDevServer implements AutoCloseable {
    private final TestServicesStarter services;
    private final Server server;

    private TemporalDevServer(TestServicesStarter services, Server server) {
        this.services = services;
        this.server = server;
    }

    /**
     * @param port the port on 127.0.0.1, or 0 for any free one
     * @return the started server
     * @throws IOException if the port cannot be bound
     */
    public static TemporalDevServer start(int port) throws IOException {
        TestServicesStarter services = new TestServicesStarter(false, 0);
        NettyServerBuilder builder = NettyServerBuilder.forAddress(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port), InsecureServerCredentials.create());
        GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
        try {
            return new TemporalDevServer(services, builder.build().start());
        } catch (IOException e) {
            services.close();
            throw e;
        }
    }

    /** @return the address to give workers and the executor, {@code 127.0.0.1:PORT} */
    public String target() {
        return InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.getPort();
    }

    /** Blocks until the server stops. @throws InterruptedException if interrupted */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /** Stops the server; its state is gone. */
    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        services.close();
    }

    /**
     * Runs a dev server until killed and prints {@code TEMPORAL_ADDRESS=127.0.0.1:PORT} on standard output.
     *
     * @param args {@code [port]}, default 7233; 0 picks a free port
     * @throws Exception if it cannot start
     */
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 7233;
        TemporalDevServer s = start(port);
        Runtime.getRuntime().addShutdownHook(new Thread(s::close, "temporal-dev-server-stop"));
        System.out.println("TEMPORAL_ADDRESS=" + s.target());
        System.out.flush();
        s.awaitTermination();
    }
}
