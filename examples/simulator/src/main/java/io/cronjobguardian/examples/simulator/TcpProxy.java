package io.cronjobguardian.examples.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy in front of a server (typically the {@link MockApiServer}) that can be frozen: one replica's
 * client goes through it, and {@link #freeze()} makes that replica lose the API server while the others keep it —
 * from their point of view the same as a paused process or a network partition.
 *
 * <p>While frozen, connections stay open but nothing is forwarded, so requests hang until the client's timeout (no
 * reset, no error). {@link #thaw()} resets every connection and forwards again.
 */
public final class TcpProxy implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final ExecutorService pool;
    private volatile boolean frozen;
    private volatile boolean closed;

    private TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        String name = "tcp-proxy-" + COUNTER.incrementAndGet();
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        pool.execute(this::acceptLoop);
    }

    /** A proxy on a random loopback port that forwards to {@code host:port}. */
    public static TcpProxy to(String host, int port) {
        try {
            return new TcpProxy(host, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a proxy port: " + e.getMessage(), e);
        }
    }

    /** A proxy in front of the mock API server. */
    public static TcpProxy to(MockApiServer server) {
        return to(server.host(), server.port());
    }

    /** The proxy's URL, {@code http://127.0.0.1:<port>/}. */
    public String url() {
        return "http://" + server.getInetAddress().getHostAddress() + ":" + server.getLocalPort() + "/";
    }

    /** Stops forwarding; connections stay open and requests hang. */
    public void freeze() {
        frozen = true;
    }

    /** Resets every connection (their streams may be half-forwarded) and forwards again; nothing when not frozen. */
    public void thaw() {
        if (!frozen) {
            return;
        }
        resetAll();
        frozen = false;
    }

    /** Whether it is frozen. */
    public boolean isFrozen() {
        return frozen;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return;
            }
            sockets.add(s);
            if (frozen) {
                continue; // held open, never read
            }
            try {
                Socket up = new Socket(targetHost, targetPort);
                sockets.add(up);
                pool.execute(() -> pipe(s, up));
                pool.execute(() -> pipe(up, s));
            } catch (IOException e) {
                reset(s);
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (frozen) {
                    continue; // swallowed: the peer waits for an answer that never comes
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // connection gone
        } finally {
            reset(from);
            reset(to);
        }
    }

    private void resetAll() {
        for (Socket s : sockets) {
            reset(s);
        }
    }

    private void reset(Socket s) {
        sockets.remove(s);
        try {
            s.setSoLinger(true, 0);
        } catch (IOException e) {
            // already closed
        }
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    /** Closes the port and every connection. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        resetAll();
        pool.shutdownNow();
    }
}
