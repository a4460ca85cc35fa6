package io.cronjobguardian.http;

import io.cronjobguardian.testkit.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cronjobguardian.engine.Guardian;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.testkit.InMemoryHistoryStore;
import io.cronjobguardian.testkit.RecordingAlertChannel;
import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The handler on its own, as a host framework mounts it (the Spring Boot starter): requests in, responses out, the
 * host's own authentication through {@link ActionAuthenticator#hostPrincipal()}.
 */
class HandlerWithoutServerTest {

    private static JsonNode json(HttpResponse r) throws Exception {
        return Fixture.JSON.readTree(r.body());
    }

    @Test
    void aHostAuthenticatedPrincipalRunsActionsAndIsLoggedByName() throws Exception {
        RecordingAlertChannel ops = RecordingAlertChannel.named("ops");
        try (Guardian g = Guardian.builder().config(GuardianConfig.builder().noEnvironment().build())
                .store(new InMemoryHistoryStore()).watcher(new ScriptableCronJobWatcher()).alertChannel(ops)
                .build().start(); LogCapture log = LogCapture.start()) {
            GuardianHttpHandler h = GuardianHttpHandler.builder(g).actionsEnabled(true)
                    .authenticator(ActionAuthenticator.hostPrincipal()).build();

            HttpResponse anonymous = h.handle(HttpRequest.of("POST", "/api/v1/channels/ops/test"));
            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(ops.messages()).isEmpty();

            HttpResponse alice = h.handle(HttpRequest.of("POST", "/api/v1/channels/ops/test")
                    .withPrincipal("alice", "10.0.0.7")
                    .withBody("{\"reason\":\"drill\"}".getBytes(StandardCharsets.UTF_8)));
            assertThat(alice.status()).isEqualTo(200);
            assertThat(json(alice).get("by").asText()).isEqualTo("alice");
            assertThat(ops.messages()).hasSize(1);
            assertThat(log.text()).contains("by alice (from 10.0.0.7, reason \"drill\")");

            HttpResponse leader = h.handle(HttpRequest.of("GET", "/api/v1/leader/"));
            assertThat(leader.status()).as("a trailing slash is the same path").isEqualTo(200);
            assertThat(leader.contentType()).isEqualTo(HttpResponse.JSON);
            assertThat(json(leader).get("leader").asBoolean()).isTrue();

            HttpResponse tooLarge = h.handle(HttpRequest.of("POST", "/api/v1/channels/ops/test")
                    .withPrincipal("alice", null).withBody(new byte[GuardianHttpHandler.MAX_BODY_BYTES + 1]));
            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(ops.messages()).hasSize(1);
        }
    }

    @Test
    void actionsFollowTheConfigurationUnlessSetAndTheBearerTokenIsComparedExactly() {
        try (Guardian g = Guardian.builder().config(GuardianConfig.builder().noEnvironment()
                .set("http.actions.enabled", "true").build())
                .store(new InMemoryHistoryStore()).watcher(new ScriptableCronJobWatcher()).build().start()) {
            assertThat(GuardianHttpHandler.builder(g).build().actionsEnabled()).isTrue();
            assertThat(GuardianHttpHandler.builder(g).actionsEnabled(false).build().actionsEnabled()).isFalse();
        }
        ActionAuthenticator bearer = ActionAuthenticator.bearerToken("0123456789abcdef");
        HttpRequest base = HttpRequest.of("POST", "/x");
        assertThat(bearer.authenticate(base.withHeader("Authorization", "Bearer 0123456789abcdef")))
                .hasValue("bearer");
        assertThat(bearer.authenticate(base.withHeader("authorization", "bearer 0123456789abcdef")))
                .as("scheme and header name are case-insensitive").hasValue("bearer");
        assertThat(bearer.authenticate(base.withHeader("Authorization", "Bearer 0123456789abcde"))).isEmpty();
        assertThat(bearer.authenticate(base.withHeader("Authorization", "Bearer 0123456789abcdef0"))).isEmpty();
        assertThat(bearer.authenticate(base.withHeader("Authorization", "0123456789abcdef"))).isEmpty();
        assertThat(bearer.authenticate(base)).isEmpty();
    }
}
