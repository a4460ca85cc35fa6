package io.cronjobguardian.alert.email;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.cronjobguardian.api.AlertChannelProvider;
import io.cronjobguardian.api.Providers;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.engine.Guardian;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With this artifact on the classpath the {@code email} type is found by {@code META-INF/services}, next to the
 * engine's own types, and a Guardian configured with {@code channels.<name>.type: email} sends through it.
 */
class EmailChannelProviderTest {

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withPerMethodLifecycle(true);

    @Test
    void theEmailTypeIsDiscoveredByNameNextToTheEnginesTypes() {
        AlertChannelProvider p = Providers.byName(AlertChannelProvider.class, "email").orElseThrow();
        assertThat(p).isInstanceOf(EmailChannelProvider.class);
        assertThat(Providers.select(AlertChannelProvider.class, Settings.of("type", "EMAIL"),
                AlertChannelProvider.TYPE_KEY, AlertChannelProvider.ARTIFACTS)).isInstanceOf(EmailChannelProvider.class);
        for (String type : new String[] {"slack", "pagerduty", "webhook"}) {
            assertThat(Providers.byName(AlertChannelProvider.class, type)).as(type).isPresent();
        }
        assertThat(Providers.discover(AlertChannelProvider.class).problems()).isEmpty();
    }

    @Test
    void aGuardianConfiguredWithAnEmailChannelSendsThroughIt() throws Exception {
        GuardianConfig cfg = GuardianConfig.builder().noEnvironment()
                .set("channels.mail.type", "email")
                .set("channels.mail.host", "127.0.0.1")
                .set("channels.mail.port", Integer.toString(MAIL.getSmtp().getPort()))
                .set("channels.mail.security", "none")
                .set("channels.mail.from", "alerts@example.com")
                .set("channels.mail.to", "oncall@example.com")
                .build();
        try (Guardian g = Guardian.builder().config(cfg).watcher(new ScriptableCronJobWatcher()).build()) {
            assertThat(g.sendTestAlert("mail").outcome())
                    .isEqualTo(io.cronjobguardian.api.DeliveryResult.Outcome.DELIVERED);
        }
        assertThat(MAIL.waitForIncomingEmail(5000, 1)).isTrue();
        MimeMessage m = MAIL.getReceivedMessages()[0];
        assertThat(m.getAllRecipients()[0].toString()).isEqualTo("oncall@example.com");
    }
}
