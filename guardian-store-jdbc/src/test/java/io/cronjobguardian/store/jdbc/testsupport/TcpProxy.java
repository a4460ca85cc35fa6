package io.cronjobguardian.store.jdbc.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy between a store and its database that a test can {@link #cut()} (every open connection is
 * reset and new ones are refused, like a database that went away) and {@link #restore()} (the same port accepts
 * again, like the database coming back).
 */
public final class TcpProxy implements AutoCloseable {

    private final InetSocketAddress target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile ServerSocket listener;
    private volatile int port;
    private volatile boolean closed;

    /** Starts a proxy on a free loopback port that forwards to {@code host:targetPort}. */
    public TcpProxy(String host, int targetPort) throws IOException {
        this.target = new InetSocketAddress(host, targetPort);
        listen(0);
    }

    /** The loopback port to connect to. */
    public int port() {
        return port;
    }

    /** How many connections the proxy has accepted so far. */
    public int acceptedConnections() {
        return accepted.get();
    }

    /** Resets every open connection and refuses new ones. */
    public synchronized void cut() {
        closeQuietly(listener);
        listener = null;
        for (Socket s : sockets) {
            try {
                s.setSoLinger(true, 0); // RST, like a crashed server or a dropped network path
            } catch (IOException ignored) {
                // already closed
            }
            closeQuietly(s);
        }
        sockets.clear();
    }

    /** Accepts connections again, on the same port. */
    public synchronized void restore() throws IOException {
        if (listener == null && !closed) {
            listen(port);
        }
    }

    private void listen(int onPort) throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.setReuseAddress(true);
        ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort));
        this.port = ss.getLocalPort();
        this.listener = ss;
        Thread t = new Thread(() -> acceptLoop(ss), "tcp-proxy-accept-" + port);
        t.setDaemon(true);
        t.start();
    }

    private void acceptLoop(ServerSocket ss) {
        while (!ss.isClosed()) {
            Socket client;
            try {
                client = ss.accept();
            } catch (IOException e) {
                return; // cut or closed
            }
            accepted.incrementAndGet();
            Socket upstream = new Socket();
            try {
                upstream.connect(target, 5_000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            sockets.add(client);
            sockets.add(upstream);
            pump(client, upstream);
            pump(upstream, client);
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // one side went away
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        cut();
    }
}
