package io.cronjobguardian.leader.k8s;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback TCP proxy in front of the mock API server that a test can cut, to make one candidate lose the API server
 * while the others keep it.
 * <ul>
 *   <li>{@link Mode#BLACKHOLE}: connections stay open but nothing is forwarded, so requests hang until the client's
 *       timeout (a frozen network).</li>
 *   <li>{@link Mode#REFUSE}: existing connections are reset and new ones are reset at once.</li>
 * </ul>
 * {@link #restore()} resets every connection (their streams may be half-forwarded) and forwards again.
 */
final class TcpProxy implements AutoCloseable {

    enum Mode { OPEN, BLACKHOLE, REFUSE }

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tcp-proxy");
        t.setDaemon(true);
        return t;
    });
    private volatile Mode mode = Mode.OPEN;
    private volatile boolean closed;

    TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        pool.execute(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    String url() {
        return "http://" + server.getInetAddress().getHostAddress() + ":" + port() + "/";
    }

    /** Stops forwarding (see {@link Mode}). */
    void cut(Mode newMode) {
        mode = newMode;
        if (newMode == Mode.REFUSE) {
            resetAll();
        }
    }

    /** Resets every connection and forwards again. */
    void restore() {
        resetAll();
        mode = Mode.OPEN;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return;
            }
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
            s.setSoLinger(true, 0);
        } catch (IOException e) {
            // ignore
        }
        try {
            s.close();
        } catch (IOException e) {
            // ignore
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // ignore
        }
        resetAll();
        pool.shutdownNow();
    }
}
