package io.segflow.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on a port of this machine in front of a server of this machine, that a test can take
 * away and bring back as a failover or a maintenance restart does: during an {@link #cutOff outage}
 * every open connection is cut (both ways) and the port refuses new ones; after {@link #restore} it
 * accepts and forwards again on the same port. Clients that are pointed at the proxy see the server
 * go away without the server itself losing anything.
 */
public final class TcpProxy implements AutoCloseable {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final InetSocketAddress target;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;
    private volatile boolean closed;

    private TcpProxy(InetSocketAddress target, ServerSocket listener) {
        this.target = target;
        this.listener = listener;
        this.port = listener.getLocalPort();
        accept(listener);
    }

    /** A proxy on a free port of the loopback address, forwarding to the target port. */
    public static TcpProxy to(int targetPort) throws IOException {
        return new TcpProxy(
                new InetSocketAddress(LOOPBACK, targetPort),
                bind(new InetSocketAddress(LOOPBACK, 0)));
    }

    /** The port clients connect to. */
    public int port() {
        return port;
    }

    /**
     * Starts an outage: the port stops listening (a connection attempt is refused) and every
     * connection through the proxy is closed on both sides.
     */
    public synchronized void cutOff() throws IOException {
        ServerSocket current = listener;
        listener = null;
        if (current != null) {
            current.close();
        }
        for (Socket socket : open) {
            reset(socket);
        }
        open.clear();
    }

    /**
     * Ends an outage: the same port listens and forwards again. Waits for the port if the system
     * still holds it.
     */
    public synchronized void restore() throws IOException, InterruptedException {
        if (listener != null) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                listener = bind(new InetSocketAddress(LOOPBACK, port));
                break;
            } catch (BindException stillHeld) {
                if (System.nanoTime() > deadline) {
                    throw stillHeld;
                }
                Thread.sleep(100);
            }
        }
        accept(listener);
    }

    private static ServerSocket bind(InetSocketAddress address) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(address);
        return socket;
    }

    private void accept(ServerSocket from) {
        Thread acceptor =
                new Thread(
                        () -> {
                            while (!from.isClosed()) {
                                Socket client;
                                try {
                                    client = from.accept();
                                } catch (IOException listenerClosed) {
                                    return;
                                }
                                forward(client);
                            }
                        },
                        "tcp-proxy-accept-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void forward(Socket client) {
        Socket server = new Socket();
        try {
            server.connect(target, 10_000);
        } catch (IOException unreachable) {
            reset(client);
            closeQuietly(server);
            return;
        }
        open.add(client);
        open.add(server);
        // an outage that began while this connection was being made cuts it too
        if (listener == null || closed) {
            reset(client);
            reset(server);
            return;
        }
        pump(client, server, "up");
        pump(server, client, "down");
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread pump =
                new Thread(
                        () -> {
                            byte[] buffer = new byte[16 * 1024];
                            try (InputStream in = from.getInputStream();
                                    OutputStream out = to.getOutputStream()) {
                                int read;
                                while ((read = in.read(buffer)) >= 0) {
                                    out.write(buffer, 0, read);
                                    out.flush();
                                }
                            } catch (IOException cutOrClosed) {
                                // the connection ends either way
                            } finally {
                                closeQuietly(from);
                                closeQuietly(to);
                                open.remove(from);
                                open.remove(to);
                            }
                        },
                        "tcp-proxy-" + direction + "-" + port);
        pump.setDaemon(true);
        pump.start();
    }

    /** Closes with a reset, as a connection to a server that went away ends. */
    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException alreadyClosed) {
            // nothing to reset
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all that was asked
        }
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        cutOff();
    }
}
