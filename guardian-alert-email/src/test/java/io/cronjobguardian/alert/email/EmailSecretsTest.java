package io.cronjobguardian.alert.email;

import io.cronjobguardian.testkit.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertChannel;
import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.DeliveryResult;
import io.cronjobguardian.api.NotificationKind;
import io.cronjobguardian.api.ProviderContext;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The email part of the engine's secrets test (moved with the channel): the SMTP password appears in no
 * {@code toString()}, destination, delivery result, configuration error or log line (the channel logs at TRACE).
 */
class EmailSecretsTest {

    static {
        LogCapture.trace(EmailChannel.class, "sec-mail");
    }

    private final List<String> seen = new ArrayList<>();

    @Test
    void thePasswordAppearsNowhere() throws Exception {
        ProviderContext ctx = Alerts.context(ref -> ref.equals("secret:smtp") ? Optional.of(EmailChannelTest.PASSWORD)
                : Optional.empty());
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (LogCapture logs = LogCapture.start()) {
            AlertChannel ch = Channels.create("email", "sec-mail", ctx, "host", "127.0.0.1", "port",
                    Integer.toString(closedPort), "security", "none", "username", "alerts", "password", "secret:smtp",
                    "from", "alerts@example.com", "to", "oncall@example.com");
            seen.add(ch.toString());
            seen.add(((EmailChannel) ch).destination());
            for (NotificationKind kind : NotificationKind.values()) {
                DeliveryResult r = ch.send(Alerts.alert().kind(kind).build());
                assertThat(r.outcome()).isEqualTo(DeliveryResult.Outcome.RETRY);
                seen.add(r.detail());
                seen.add(r.toString());
            }
            ch.close();
            seen.add(ch.send(Alerts.alert().build()).toString());
            try {
                Channels.create("email", "bad9", ctx, "host", "h", "from", "a@example.com", "to", "b@example.com",
                        "password", EmailChannelTest.PASSWORD).close();
                throw new AssertionError("expected a ConfigException");
            } catch (ConfigException e) {
                seen.add(e.getMessage());
                seen.add(e.toString());
            }
            String logText = logs.text();
            assertThat(logText).as("the channel logs at TRACE").contains("sec-mail");
            seen.add(logText);
        }
        for (String text : seen) {
            assertThat(text).as("a secret leaked").doesNotContain(EmailChannelTest.PASSWORD);
        }
        assertThat(String.join("\n", seen)).contains("channels.bad9.username: is required when password is set");
    }
}
