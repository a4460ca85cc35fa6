package io.cronjobguardian.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ProvidersTest {

    private static final String KEY = "test.type";

    @Test
    void brokenProvidersAreReportedAndSkipped() {
        Providers.Discovery<TestProvider> d = Providers.discover(TestProvider.class);
        assertThat(d.providers()).extracting(GuardianProvider::name)
                .containsExactlyInAnyOrder("alpha", "beta", "picky", "throwing");
        assertThat(d.problems()).hasSize(2);
        assertThat(String.join("\n", d.problems()))
                .contains("broken on purpose")
                .contains("DoesNotExist");
    }

    @Test
    void explicitNameWins() {
        TestProvider p = Providers.select(TestProvider.class, Settings.of(KEY, "Beta"), KEY, "artifact-x");
        assertThat(p.name()).isEqualTo("beta");
    }

    @Test
    void explicitNameThatDoesNotExistFailsWithCandidatesAndArtifact() {
        assertThatThrownBy(() -> Providers.select(TestProvider.class, Settings.of(KEY, "gamma"), KEY, "artifact-x"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(KEY)
                .hasMessageContaining("\"gamma\"")
                .hasMessageContaining("alpha")
                .hasMessageContaining("beta")
                .hasMessageContaining("artifact-x");
    }

    @Test
    void highestPrioritySupportingProviderIsChosen() {
        TestProvider p = Providers.select(TestProvider.class, Settings.of("picky.enabled", "true"), KEY, "x");
        assertThat(p.name()).isEqualTo("picky");
    }

    @Test
    void providerThatDeclinesIsPassedOverAndTieIsResolvedByName() {
        // picky declines, throwing throws in supports(): alpha and beta tie at 10, alpha wins by name
        TestProvider p = Providers.select(TestProvider.class, Settings.empty(), KEY, "x");
        assertThat(p.name()).isEqualTo("alpha");
    }

    @Test
    void noneFoundListsWhatToAdd() {
        ClassLoader empty = new URLClassLoader(new URL[0], null);
        Providers.Discovery<TestProvider> d = Providers.discover(TestProvider.class, List.of(empty));
        assertThat(d.providers()).isEmpty();
        assertThatThrownBy(() -> Providers.select(TestProvider.class, d, Settings.empty(), KEY,
                "io.cronjobguardian:guardian-thing"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("no TestProvider found")
                .hasMessageContaining("io.cronjobguardian:guardian-thing")
                .hasMessageContaining(KEY);
    }

    @Test
    void noneSupportingListsCandidatesAndWhoDeclined() {
        Providers.Discovery<TestProvider> all = Providers.discover(TestProvider.class);
        Providers.Discovery<TestProvider> onlyPicky = new Providers.Discovery<>(all.providers().stream()
                .filter(p -> p.name().equals("picky")).collect(Collectors.toList()), List.of());
        assertThatThrownBy(() -> Providers.select(TestProvider.class, onlyPicky, Settings.empty(), KEY, "x"))
                .hasMessageContaining("declined: picky");
    }

    @Test
    void sameClassFromTwoLoadersCountsOnce() {
        ClassLoader own = ProvidersTest.class.getClassLoader();
        Providers.Discovery<TestProvider> d = Providers.discover(TestProvider.class, List.of(own, own));
        assertThat(d.providers()).hasSize(4);
    }

    @Test
    void byNameFindsCaseInsensitively() {
        assertThat(Providers.byName(TestProvider.class, "ALPHA")).map(GuardianProvider::name).hasValue("alpha");
        assertThat(Providers.byName(TestProvider.class, "nope")).isEmpty();
    }
}
