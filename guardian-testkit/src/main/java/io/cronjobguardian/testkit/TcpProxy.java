package io.cronjobguardian.testkit;

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
 * A loopback TCP proxy in front of a server (a database, the mock API server) that a test can cut, to make one
 * client lose the server while the others keep it: from that client's point of view a network partition, a
 * paused peer or a crashed server. The one copy every test and harness of the project uses (store scenarios,
 * leader election tests, the cluster simulator, the HA demo and the chaos harness).
 * <ul>
 *   <li>{@link Mode#BLACKHOLE} ({@link #freeze()}): connections stay open but nothing is forwarded, so requests
 *       hang until the client's timeout (no reset, no error).</li>
 *   <li>{@link Mode#REFUSE} ({@link #cut()}): every open connection is reset (RST, like a crashed server) and new
 *       ones are reset at once.</li>
 * </ul>
 * {@link #restore()} (or {@link #thaw()}) resets every connection (their streams may be half-forwarded) and
 * forwards again, on the same port. The proxy listens on the loopback address only and uses daemon threads.
 */
public final class TcpProxy implements AutoCloseable {

    /** What the proxy does with traffic. */
    public enum Mode {
        /** Forwards. */
        OPEN,
        /** Holds connections open and forwards nothing. */
        BLACKHOLE,
        /** Resets every connection. */
        REFUSE
    }

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger forwarded = new AtomicInteger();
    private final ExecutorService pool;
    private volatile Mode mode = Mode.OPEN;
    private volatile boolean closed;

    /**
     * Starts a proxy on a free loopback port that forwards to {@code targetHost:targetPort}.
     *
     * @param targetHost the server's host
     * @param targetPort the server's port
     * @throws IOException when no port can be opened
     */
    public TcpProxy(String targetHost, int targetPort) throws IOException {
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

    /**
     * A proxy on a free loopback port that forwards to {@code host:port}.
     *
     * @param host the server's host
     * @param port the server's port
     * @return the started proxy
     * @throws UncheckedIOException when no port can be opened
     */
    public static TcpProxy to(String host, int port) {
        try {
            return new TcpProxy(host, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a proxy port: " + e.getMessage(), e);
        }
    }

    /** The loopback port to connect to. */
    public int port() {
        return server.getLocalPort();
    }

    /** The proxy's URL, {@code http://127.0.0.1:<port>/}. */
    public String url() {
        return "http://" + server.getInetAddress().getHostAddress() + ":" + port() + "/";
    }

    /** How many connections the proxy has forwarded so far. */
    public int acceptedConnections() {
        return forwarded.get();
    }

    /** The current mode. */
    public Mode mode() {
        return mode;
    }

    /**
     * Stops forwarding.
     *
     * @param newMode {@link Mode#BLACKHOLE} or {@link Mode#REFUSE}; {@link Mode#OPEN} is {@link #restore()}
     */
    public synchronized void cut(Mode newMode) {
        if (newMode == Mode.OPEN) {
            restore();
            return;
        }
        mode = newMode;
        if (newMode == Mode.REFUSE) {
            resetAll();
        }
    }

    /** Resets every open connection and every new one ({@link Mode#REFUSE}). */
    public void cut() {
        cut(Mode.REFUSE);
    }

    /** Stops forwarding; connections stay open and requests hang ({@link Mode#BLACKHOLE}). */
    public void freeze() {
        cut(Mode.BLACKHOLE);
    }

    /** Whether it is frozen ({@link Mode#BLACKHOLE}). */
    public boolean isFrozen() {
        return mode == Mode.BLACKHOLE;
    }

    /** Resets every connection and forwards again; nothing when it forwards already. */
    public synchronized void restore() {
        if (mode == Mode.OPEN) {
            return;
        }
        resetAll();
        mode = Mode.OPEN;
    }

    /** Same as {@link #restore()}. */
    public void thaw() {
        restore();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return;
            }
            // under the lock cut() and restore() take: a connection accepted while the proxy is being cut is
            // either reset by the cut or sees the new mode, never registered after the cut's reset and forwarded
            synchronized (this) {
                Mode m = mode;
                if (m == Mode.REFUSE) {
                    reset(s);
                    continue;
                }
                sockets.add(s);
                if (m == Mode.BLACKHOLE) {
                    continue; // held open, never read
                }
                try {
                    Socket up = new Socket(targetHost, targetPort);
                    sockets.add(up);
                    forwarded.incrementAndGet();
                    pool.execute(() -> pipe(s, up));
                    pool.execute(() -> pipe(up, s));
                } catch (IOException e) {
                    reset(s);
                }
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (mode != Mode.OPEN) {
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
            s.setSoLinger(true, 0); // RST, like a crashed server or a dropped network path
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
