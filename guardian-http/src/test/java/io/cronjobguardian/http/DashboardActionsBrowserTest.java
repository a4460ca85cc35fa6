package io.cronjobguardian.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * "Send test" on the Channels page appears only when actions are enabled and the browser is authorised (the
 * standalone server's bearer token, kept for the tab only); pressing it sends a real test message through the
 * channel and the page shows the result and the new statistics. An open incident's details offer acknowledge,
 * silence and lift (leader actions on the engine thread, which the test drives while it waits for the store).
 */
class DashboardActionsBrowserTest {

    @Test
    void sendTestAppearsOnlyOnceAuthorisedAndDeliversThroughTheChannel() {
        try (Fixture f = Fixture.withActions(); Browser browser = Browser.start()) {
            String ui = f.server.dashboardUrl().orElseThrow().toString();
            browser.open(ui + "#/channels");
            browser.waitFor(By.cssSelector("#channels tbody tr[data-channel='ops']"));
            assertThat(browser.all(By.cssSelector("button.send-test"))).as("not authorised yet").isEmpty();

            browser.waitFor(By.id("token")).sendKeys("not-the-token-at-all");
            browser.waitFor(By.cssSelector("#authorise button[type=submit]")).click();
            browser.waitFor(By.cssSelector("#channels tbody tr[data-channel='ops']"));
            browser.waitFor(By.id("token"));
            assertThat(browser.all(By.cssSelector("button.send-test"))).as("a wrong token").isEmpty();

            browser.waitFor(By.id("token")).sendKeys(Fixture.TOKEN);
            browser.waitFor(By.cssSelector("#authorise button[type=submit]")).click();
            browser.waitFor(By.cssSelector("tr[data-channel='ops'] button.send-test")).click();
            browser.waitUntil("the channel got the test message", d -> !f.channel.messages().isEmpty());
            browser.waitUntil("the result is shown", d -> d.findElement(By.id("test-result")).getText()
                    .contains("Test to ops: delivered"));
            JsonNode ops = f.get("/api/v1/channels").json().get("items").get(0);
            assertThat(ops.get("stats").get("alertsSentTotal").asInt()).isEqualTo(1);
            browser.waitUntil("the page shows the new count", d -> d.findElement(
                    By.cssSelector("tr[data-channel='ops'] td.sent")).getText().equals("1"));
            browser.screenshot("channels-actions");
            browser.assertClean("channels with actions");
        }
    }

    @Test
    void anOpenIncidentIsAcknowledgedSilencedAndUnsilencedFromItsDetailsOnceAuthorised() {
        try (Fixture f = Fixture.withActions(); Browser browser = Browser.start()) {
            io.cronjobguardian.api.CronJobSnapshot cj = f.cronJob("team-a", "alpha");
            f.run(cj, Fixture.T0.plusSeconds(3600), false);
            java.util.List<io.cronjobguardian.api.Incident> open = f.guardian.incidents(
                    io.cronjobguardian.api.IncidentQuery.open()).items();
            assertThat(open).as("the failed run's incident").isNotEmpty();
            String id = open.get(0).id();
            String ui = f.server.dashboardUrl().orElseThrow().toString();
            String row = "tr[data-incident='" + id + "']";

            browser.open(ui + "#/incidents");
            browser.waitFor(By.cssSelector(row + " button.show-notifications")).click();
            browser.waitFor(By.cssSelector("dl.attention"));
            assertThat(browser.all(By.cssSelector("button.acknowledge"))).as("not authorised yet").isEmpty();

            browser.open(ui + "#/channels");
            browser.waitFor(By.id("token")).sendKeys(Fixture.TOKEN);
            browser.waitFor(By.cssSelector("#authorise button[type=submit]")).click();
            browser.waitFor(By.cssSelector("tr[data-channel='ops'] button.send-test"));

            browser.open(ui + "#/incidents");
            browser.waitFor(By.cssSelector(row + " button.show-notifications")).click();
            browser.waitFor(By.cssSelector("button.acknowledge")).click();
            browser.waitUntil("the store has the acknowledgement", d -> f.drive() && f.guardian.incidents(
                    io.cronjobguardian.api.IncidentQuery.open()).items().get(0).acknowledgedBy() != null);
            assertThat(f.guardian.incidents(io.cronjobguardian.api.IncidentQuery.open()).items().get(0)
                    .acknowledgedBy()).isEqualTo("bearer");
            browser.waitUntil("the row says acknowledged", d -> d.findElement(By.cssSelector(row)).getText()
                    .contains("acknowledged"));

            browser.waitFor(By.cssSelector(row + " button.show-notifications")).click();
            browser.waitFor(By.cssSelector("button.silence[data-for='4h']")).click();
            browser.waitUntil("the store has the silence", d -> f.drive() && f.guardian.incidents(
                    io.cronjobguardian.api.IncidentQuery.open()).items().get(0).silencedUntil() != null);
            assertThat(f.guardian.incidents(io.cronjobguardian.api.IncidentQuery.open()).items().get(0)
                    .silencedUntil()).isEqualTo(f.clock.instant().plus(java.time.Duration.ofHours(4)));
            browser.waitUntil("the row says silenced", d -> d.findElement(By.cssSelector(row)).getText()
                    .contains("silenced"));

            browser.waitFor(By.cssSelector(row + " button.show-notifications")).click();
            browser.waitFor(By.cssSelector("button.unsilence")).click();
            browser.waitUntil("the silence is lifted", d -> f.drive() && f.guardian.incidents(
                    io.cronjobguardian.api.IncidentQuery.open()).items().get(0).silencedUntil() == null);
            browser.screenshot("incidents-attention");
            browser.assertClean("incidents with actions");
        }
    }
}
