package io.cronjobguardian.watcher.k8s;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelSelectorTest {

    private static final Map<String, String> PAYMENTS = Map.of("team", "payments", "env", "prod",
            "example.com/tier", "gold");

    private static boolean matches(String selector, Map<String, String> labels) {
        return LabelSelector.parse(selector).matches(labels);
    }

    @Test
    void evaluatesLikeTheApiServer() {
        assertThat(matches("", PAYMENTS)).isTrue();
        assertThat(matches("team=payments", PAYMENTS)).isTrue();
        assertThat(matches("team==payments", PAYMENTS)).isTrue();
        assertThat(matches("team=search", PAYMENTS)).isFalse();
        assertThat(matches("team!=search", PAYMENTS)).isTrue();
        assertThat(matches("owner!=bob", PAYMENTS)).as("!= matches an absent label").isTrue();
        assertThat(matches("env in (prod, staging)", PAYMENTS)).isTrue();
        assertThat(matches("env in (dev)", PAYMENTS)).isFalse();
        assertThat(matches("env notin (dev,test)", PAYMENTS)).isTrue();
        assertThat(matches("owner notin (bob)", PAYMENTS)).as("notin matches an absent label").isTrue();
        assertThat(matches("owner in (bob)", PAYMENTS)).isFalse();
        assertThat(matches("example.com/tier", PAYMENTS)).isTrue();
        assertThat(matches("!legacy", PAYMENTS)).isTrue();
        assertThat(matches("!team", PAYMENTS)).isFalse();
        assertThat(matches("team=payments, env in (prod), !legacy", PAYMENTS)).isTrue();
        assertThat(matches("team=payments,env=dev", PAYMENTS)).isFalse();
        assertThat(matches("team=payments", null)).isFalse();
        assertThat(matches("!team", null)).isTrue();
        assertThat(LabelSelector.parse(" team = payments ").toString()).isEqualTo("team = payments");
    }

    @ParameterizedTest
    @ValueSource(strings = {"team=", "=payments", "team=pay ments", "team in ()", "team in (a", "a,,b",
            "team>3", "Bad_Prefix/x=y", "team in a,b", "tier x (a)", "-team=x"})
    void rejectsInvalidSelectors(String text) {
        if (text.equals("team=")) {
            // an empty value is valid in Kubernetes
            assertThat(matches(text, Map.of("team", ""))).isTrue();
            return;
        }
        assertThatThrownBy(() -> LabelSelector.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
