package io.cronjobguardian.alert.email;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * SMTP peers on loopback for what GreenMail 2.1 cannot do: GreenMail's SMTP server has no STARTTLS, so
 * {@link StartTls} speaks ESMTP up to STARTTLS itself, upgrades the connection with GreenMail's own self-signed
 * certificate, and then relays the TLS-protected session to GreenMail's plain SMTP port (GreenMail authenticates and
 * stores the message). {@link Scripted} answers RCPT with a fixed reply, or stays silent.
 */
final class SmtpPeers {

    private SmtpPeers() {
    }

    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                break;
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        if (b < 0 && line.size() == 0) {
            return null;
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** The SSL context of GreenMail's bundled self-signed certificate. */
    static SSLContext greenMailSsl() {
        try (InputStream in = com.icegreen.greenmail.util.DummySSLServerSocketFactory.class.getClassLoader()
                .getResourceAsStream("greenmail.p12")) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, "changeit".toCharArray());
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, "changeit".toCharArray());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException("cannot load GreenMail's certificate", e);
        }
    }

    /** A base: a server socket on loopback, one thread per connection. */
    abstract static class Peer implements AutoCloseable {
        final ServerSocket server;
        final ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-smtp-peer");
            t.setDaemon(true);
            return t;
        });
        final CountDownLatch closing = new CountDownLatch(1);
        final List<Socket> sockets = new CopyOnWriteArrayList<>();
        final List<String> commands = new CopyOnWriteArrayList<>();

        Peer() {
            try {
                server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            threads.submit(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        sockets.add(s);
                        threads.submit(() -> {
                            try {
                                serve(s);
                            } catch (IOException ignored) {
                                // the client went away
                            } finally {
                                closeQuietly(s);
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        abstract void serve(Socket s) throws IOException;

        @Override
        public void close() {
            closing.countDown();
            closeQuietly(server);
            sockets.forEach(SmtpPeers::closeQuietly);
            threads.shutdownNow();
        }
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing
        }
    }

    /** ESMTP with STARTTLS in front of GreenMail's plain SMTP port. */
    static final class StartTls extends Peer {
        private final int upstreamPort;
        private final SSLContext ssl = greenMailSsl();
        volatile String negotiatedProtocol;
        volatile boolean authBeforeTls;

        StartTls(int upstreamPort) {
            this.upstreamPort = upstreamPort;
        }

        @Override
        void serve(Socket s) throws IOException {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            write(out, "220 relay.test ESMTP ready\r\n");
            String line;
            while ((line = readLine(in)) != null) {
                commands.add(line);
                String cmd = line.toUpperCase(Locale.ROOT);
                if (cmd.startsWith("EHLO")) {
                    write(out, "250-relay.test\r\n250-STARTTLS\r\n250 8BITMIME\r\n");
                } else if (cmd.startsWith("HELO") || cmd.startsWith("NOOP") || cmd.startsWith("RSET")) {
                    write(out, "250 ok\r\n");
                } else if (cmd.startsWith("QUIT")) {
                    write(out, "221 bye\r\n");
                    return;
                } else if (cmd.startsWith("STARTTLS")) {
                    write(out, "220 2.0.0 Ready to start TLS\r\n");
                    SSLSocket tls = (SSLSocket) ssl.getSocketFactory().createSocket(s, "127.0.0.1", s.getPort(), true);
                    tls.setUseClientMode(false);
                    tls.startHandshake();
                    negotiatedProtocol = tls.getSession().getProtocol();
                    relay(tls);
                    return;
                } else {
                    if (cmd.startsWith("AUTH")) {
                        authBeforeTls = true;
                    }
                    write(out, "530 5.7.0 Must issue a STARTTLS command first\r\n");
                }
            }
        }

        private void relay(SSLSocket tls) throws IOException {
            try (Socket up = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
                InputStream upIn = up.getInputStream();
                String greeting;
                do {
                    greeting = readLine(upIn); // GreenMail greets; the client already had our greeting
                } while (greeting != null && greeting.length() > 3 && greeting.charAt(3) == '-');
                Thread back = new Thread(() -> copy(upIn, tlsOut(tls)), "test-smtp-relay-back");
                back.setDaemon(true);
                back.start();
                copy(tls.getInputStream(), up.getOutputStream());
                try {
                    back.join(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } finally {
                closeQuietly(tls);
            }
        }

        private static OutputStream tlsOut(SSLSocket s) {
            try {
                return s.getOutputStream();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private static void copy(InputStream in, OutputStream out) {
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
                out.close();
            } catch (IOException ignored) {
                // one side closed
            }
        }
    }

    /** An SMTP server that answers RCPT TO with a fixed reply, or says nothing at all. */
    static final class Scripted extends Peer {
        private final String rcptReply;
        private final boolean silent;

        private Scripted(String rcptReply, boolean silent) {
            this.rcptReply = rcptReply;
            this.silent = silent;
        }

        static Scripted rejectingRecipients(String reply) {
            return new Scripted(reply, false);
        }

        static Scripted silent() {
            return new Scripted(null, true);
        }

        @Override
        void serve(Socket s) throws IOException {
            if (silent) {
                try {
                    closing.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            write(out, "220 scripted.test ESMTP\r\n");
            String line;
            while ((line = readLine(in)) != null) {
                commands.add(line);
                String cmd = line.toUpperCase(Locale.ROOT);
                if (cmd.startsWith("EHLO")) {
                    write(out, "250-scripted.test\r\n250 8BITMIME\r\n");
                } else if (cmd.startsWith("RCPT")) {
                    write(out, rcptReply + "\r\n");
                } else if (cmd.startsWith("QUIT")) {
                    write(out, "221 bye\r\n");
                    return;
                } else if (cmd.startsWith("DATA")) {
                    write(out, "554 no valid recipients\r\n");
                } else {
                    write(out, "250 ok\r\n");
                }
            }
        }
    }
}
