package io.cronjobguardian.engine.alert.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cronjobguardian.api.AlertChannel;
import io.cronjobguardian.api.AlertChannelProvider;
import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Providers;
import io.cronjobguardian.api.Settings;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Discovery through META-INF/services, and what every channel checks when it is created. */
class ProvidersTest {

    @ParameterizedTest
    @CsvSource({"slack, SlackChannelProvider", "pagerduty, PagerDutyChannelProvider",
        "webhook, WebhookChannelProvider"})
    void eachTypeIsDiscoveredByName(String type, String provider) {
        AlertChannelProvider p = Providers.byName(AlertChannelProvider.class, type).orElseThrow();
        assertThat(p.getClass().getSimpleName()).isEqualTo(provider);
        assertThat(p.name()).isEqualTo(type);
        assertThat(Providers.select(AlertChannelProvider.class, Settings.of("type", type.toUpperCase()),
                AlertChannelProvider.TYPE_KEY, AlertChannelProvider.ARTIFACTS)).isInstanceOf(p.getClass());
        assertThat(Providers.discover(AlertChannelProvider.class).problems()).isEmpty();
    }

    @Test
    void emailIsItsOwnArtifactAndTheEngineNamesItWhenItIsMissing() {
        // the engine's classpath has no guardian-alert-email and no Jakarta Mail
        assertThat(Providers.byName(AlertChannelProvider.class, "email")).isEmpty();
        assertThat(getClass().getClassLoader().getResource("jakarta/mail/Session.class")).isNull();
        assertThatThrownBy(() -> io.cronjobguardian.engine.Guardian.builder()
                .config(io.cronjobguardian.engine.config.GuardianConfig.builder().noEnvironment()
                        .set("channels.mail.type", "email").set("channels.mail.host", "127.0.0.1").build())
                .watcher(new io.cronjobguardian.testkit.ScriptableCronJobWatcher()).build().close())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("channels.mail.type")
                .hasMessageContaining("no alert channel type \"email\" on the classpath")
                .hasMessageContaining("io.cronjobguardian:guardian-alert-email");
        assertThat(AlertChannelProvider.ARTIFACTS).contains("guardian-alert-email (email)");
    }

    @Test
    void creatingAChannelOpensNoConnection() {
        try (HttpReceiver r = HttpReceiver.start()) {
            for (String type : new String[] {"slack", "pagerduty", "webhook"}) {
                AlertChannel ch = Channels.http(type, r);
                assertThat(ch.name()).isIn("ops", "pd", "hook");
                assertThat(ch.type()).isEqualTo(type);
                ch.close();
            }
            // a host that does not resolve is fine too: nothing is looked up before the first send
            AlertChannel unresolvable = Channels.create("webhook", "far", Alerts.context(), "url",
                    "https://alerts.does-not-exist.invalid/hook");
            unresolvable.close();
            assertThat(r.pending()).isZero();
        }
    }

    @Test
    void theCommonKeysAreAcceptedAndExposed() {
        try (HttpReceiver r = HttpReceiver.start();
                SlackChannel ch = Channels.slack(r, "maxAlertsPerHour", "50", "burst-limit", "5", "timeout", "2500ms",
                        "severities", "critical,warning", "enabled", "true", "testOnSave", "false")) {
            assertThat(ch.maxAlertsPerHour()).isEqualTo(50);
            assertThat(ch.burstLimit()).isEqualTo(5);
            assertThat(ch.timeout()).isEqualTo(Duration.ofMillis(2500));
            assertThat(ch.toString()).isEqualTo("SlackChannel[name=ops, destination=http://127.0.0.1:"
                    + r.uri("/").getPort() + "/…, timeout=2s500ms]");
        }
        try (HttpReceiver r = HttpReceiver.start(); WebhookChannel ch = Channels.webhook(r)) {
            assertThat(ch.maxAlertsPerHour()).isEqualTo(100);
            assertThat(ch.burstLimit()).isEqualTo(10);
            assertThat(ch.timeout()).isEqualTo(Duration.ofSeconds(10));
        }
    }

    @Test
    void invalidSettingsAreConfigExceptionsNamingTheFullKey() {
        ProviderContext ctx = Alerts.context();
        assertThatThrownBy(() -> new SlackChannelProvider().create(Settings.of("type", "slack"), ctx))
                .isInstanceOf(ConfigException.class).extracting(e -> ((ConfigException) e).key()).isEqualTo("name");
        assertThatThrownBy(() -> new SlackChannelProvider().create(Alerts.settings("ops", "webhook"), ctx))
                .isInstanceOf(ConfigException.class)
                .hasMessage("channels.ops.type: \"webhook\" was given to the slack channel provider; accepted: slack");
        assertThatThrownBy(() -> Channels.create("slack", "ops", ctx))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("channels.ops.webhookUrl: is required (a secret: the value itself, or a "
                        + "reference secret:<name> or env:<VARIABLE>");
        assertThatThrownBy(() -> Channels.create("pagerduty", "pd", ctx))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("channels.pd.routingKey: is required");
        assertThatThrownBy(() -> Channels.create("webhook", "hook", ctx))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("channels.hook.url: is required");
        assertThatThrownBy(() -> Channels.create("slack", "ops", ctx, "webhookUrl", "https://hooks.slack.com/x",
                "chanel", "#ops"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("channels.ops.chanel: is not a key of a slack channel (did you mean channel?)")
                .hasMessageContaining("webhookUrl").hasMessageContaining("messageTemplate");
        assertThatThrownBy(() -> Channels.create("webhook", "hook", ctx, "url", "https://x.example/h",
                "timeout", "10m"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("channels.hook.timeout: 10m is out of range; accepted: 100ms to 5m");
        assertThatThrownBy(() -> Channels.create("pagerduty", "pd", ctx, "routingKey", "k".repeat(32),
                "severity", "fatal"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("channels.pd.severity: \"fatal\" is not accepted; accepted: critical, error, warning, info");
        assertThatThrownBy(() -> Channels.create("pagerduty", "pd", ctx, "routingKey", "k".repeat(32),
                "endpoint", "events.pagerduty.com"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("channels.pd.endpoint: \"events.pagerduty.com\" is not an absolute http:// or https:// "
                        + "URL with a host");
        assertThatThrownBy(() -> Channels.create("slack", "ops", ctx, "webhookUrl", "https://hooks.slack.com/x",
                "maxAlertsPerHour", "0"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("channels.ops.maxAlertsPerHour: 0 is out of range; accepted: 1 to 1000000");
    }

    @Test
    void secretReferencesResolveThroughTheHostOrTheEnvironment() {
        Map.Entry<String, String> env = System.getenv().entrySet().stream()
                .filter(e -> e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*") && !e.getValue().isBlank()
                        && e.getValue().chars().allMatch(c -> c >= 0x20 && c < 0x7f))
                .min(Comparator.comparingInt(e -> e.getValue().length())).orElseThrow();
        try (HttpReceiver r = HttpReceiver.start()) {
            ProviderContext ctx = Alerts.context(ref -> ref.equals("secret:team-hook")
                    ? Optional.of(r.url("/resolved/" + Channels.TOKEN)) : Optional.empty());
            try (WebhookChannel ch = (WebhookChannel) Channels.create("webhook", "hook", ctx, "url", "secret:team-hook",
                    "headers.X-From-Env", "env:" + env.getKey())) {
                assertThat(ch.send(Alerts.alert().build()).isDelivered()).isTrue();
                HttpReceiver.Request req = r.take();
                assertThat(req.path).isEqualTo("/resolved/" + Channels.TOKEN);
                assertThat(req.header("X-From-Env")).isEqualTo(env.getValue().trim());
            }
            assertThatThrownBy(() -> Channels.create("webhook", "hook", ctx, "url",
                    "env:CJG_TEST_SURELY_UNSET_VARIABLE_4711"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("channels.hook.url: the secret reference env:CJG_TEST_SURELY_UNSET_VARIABLE_4711 did "
                            + "not resolve: the host's SecretResolver does not know it and no such environment variable"
                            + " is set");
            assertThatThrownBy(() -> Channels.create("webhook", "hook",
                    Alerts.context(ref -> Optional.of("  ")), "url", "secret:blank"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("channels.hook.url: the secret reference secret:blank resolved to an empty value");
        }
    }
}
