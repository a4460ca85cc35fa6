package io.cronjobguardian.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * "Send test" on the Channels page appears only when actions are enabled and the browser is authorised (the
 * standalone server's bearer token, kept for the tab only); pressing it sends a real test message through the
 * channel and the page shows the result and the new statistics.
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
}
