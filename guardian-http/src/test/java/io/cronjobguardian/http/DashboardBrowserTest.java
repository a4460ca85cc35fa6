package io.cronjobguardian.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in headless Chromium against a real Guardian with two weeks of simulated history
 * ({@link DashboardScenario}) behind the standalone server on loopback: every page shows what the API returns,
 * filters and sorting go to the server, the overview updates itself when a run is recorded, and no page logs a
 * console error or has a failed request. Screenshots of every page go to {@code target/dashboard-screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

    private static DashboardScenario data;
    private static Browser browser;
    private static String ui;

    @BeforeAll
    static void start() {
        data = new DashboardScenario(c -> { }).populate();
        browser = Browser.start();
        ui = data.f.server.dashboardUrl().orElseThrow().toString();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (data != null) {
            data.f.close();
        }
    }

    @AfterEach
    void noConsoleErrorAndNoFailedRequest() {
        browser.assertClean("after the test");
    }

    private static JsonNode api(String path) {
        return data.f.get(path).json();
    }

    private static List<String> column(By rows, int cell) {
        return browser.all(rows).stream().map(r -> r.findElements(By.tagName("td")).get(cell).getText())
                .collect(Collectors.toList());
    }

    @Test
    @Order(1)
    void theOverviewShowsEveryCronJobWithTheApisFiguresCountsAndRole() {
        browser.open(ui);
        browser.waitFor(By.cssSelector("#cronjobs tbody tr[data-cronjob]"));
        JsonNode list = api("/api/v1/cronjobs?limit=50");
        List<String> expected = java.util.stream.StreamSupport.stream(list.get("items").spliterator(), false)
                .map(i -> i.get("namespace").asText() + "/" + i.get("name").asText()).collect(Collectors.toList());
        List<String> shown = browser.all(By.cssSelector("#cronjobs tbody tr[data-cronjob]")).stream()
                .map(r -> r.getAttribute("data-cronjob")).collect(Collectors.toList());
        assertThat(shown).isEqualTo(expected).hasSize(7);

        JsonNode backup = api("/api/v1/cronjobs/team-a/backup-db");
        WebElement row = browser.waitFor(By.cssSelector("tr[data-cronjob='team-a/backup-db']"));
        String text = row.getText();
        assertThat(text).contains("backup-db").contains(backup.get("status").asText())
                .contains(String.format(java.util.Locale.ROOT, "%s runs", backup.get("stats").get("total").asText()))
                .contains("0 * * * *");
        double rate = Math.round(backup.get("successRate").asDouble() * 10) / 10.0;
        assertThat(text).contains((rate == Math.rint(rate) ? String.valueOf((long) rate) : String.valueOf(rate))
                + " %");
        assertThat(browser.text(By.cssSelector("tr[data-cronjob='team-a/cleanup-tmp']"))).contains("suspended");
        assertThat(browser.text(By.cssSelector("tr[data-cronjob='team-a/daily-report']"))).contains("Europe/Berlin");

        JsonNode stats = api("/api/v1/stats");
        assertThat(browser.text(By.cssSelector(".chips button[data-state='all'] .count")))
                .isEqualTo(stats.get("totalCronJobs").asText());
        for (String s : List.of("healthy", "warning", "critical", "suspended", "unknown")) {
            assertThat(browser.text(By.cssSelector(".chips button[data-state='" + s + "'] .count"))).as(s)
                    .isEqualTo(stats.get("summary").get(s).asText());
        }
        assertThat(browser.text(By.id("replica-role"))).isEqualTo("leader");
        assertThat(browser.text(By.id("role"))).contains(api("/api/v1/leader").get("identity").asText());
        assertThat(browser.text(By.id("range"))).isEqualTo("1–7 of 7");
        browser.screenshot("overview");
    }

    @Test
    @Order(2)
    void filtersAndSortingAreServedByTheApiAndKeptInTheAddress() {
        browser.open(ui);
        browser.waitFor(By.cssSelector("#cronjobs tbody tr[data-cronjob]"));
        browser.waitFor(By.id("f-namespace")).sendKeys("team-b");
        browser.waitUntil("only team-b", d -> column(By.cssSelector("#cronjobs tbody tr[data-cronjob]"), 0)
                .stream().allMatch("team-b"::equals) && browser.all(By.cssSelector("tr[data-cronjob]")).size() == 2);
        assertThat(browser.driver.getCurrentUrl()).contains("namespace=team-b");
        browser.open(ui);
        browser.waitFor(By.cssSelector("#cronjobs tbody tr[data-cronjob]"));
        browser.waitFor(By.id("f-search")).sendKeys("re");
        browser.waitUntil("names with 're'", d -> browser.all(By.cssSelector("tr[data-cronjob]")).stream()
                .map(r -> r.getAttribute("data-cronjob")).collect(Collectors.toList())
                .equals(List.of("team-a/daily-report", "team-b/rebuild-index")));
        assertThat(browser.driver.getCurrentUrl()).contains("search=re");
        browser.open(ui);
        browser.waitFor(By.cssSelector("#cronjobs tbody tr[data-cronjob]"));
        new Select(browser.waitFor(By.id("f-status"))).selectByValue("suspended");
        browser.waitUntil("only the suspended one", d -> browser.all(By.cssSelector("tr[data-cronjob]")).stream()
                .map(r -> r.getAttribute("data-cronjob")).collect(Collectors.toList())
                .equals(List.of("team-a/cleanup-tmp")));
        new Select(browser.waitFor(By.id("f-status"))).selectByValue("");
        browser.waitUntil("all again", d -> browser.all(By.cssSelector("tr[data-cronjob]")).size() == 7);
        browser.waitFor(By.cssSelector("th button[data-sort='name']")).click();
        browser.waitUntil("sorted by name, descending", d -> "descending".equals(
                browser.waitFor(By.xpath("//th[button[@data-sort='name']]")).getAttribute("aria-sort")));
        List<String> expected = java.util.stream.StreamSupport.stream(api("/api/v1/cronjobs?sort=name&order=desc")
                .get("items").spliterator(), false).map(i -> i.get("namespace").asText() + "/"
                + i.get("name").asText()).collect(Collectors.toList());
        browser.waitUntil("rows in the API's order", d -> browser.all(By.cssSelector("tr[data-cronjob]")).stream()
                .map(r -> r.getAttribute("data-cronjob")).collect(Collectors.toList()).equals(expected));
        browser.waitFor(By.cssSelector(".chips button[data-state='critical']")).click();
        browser.waitUntil("the critical chip filters", d -> browser.all(By.cssSelector("tr[data-cronjob]")).stream()
                .allMatch(r -> r.getText().contains("critical")));
    }

    @Test
    @Order(3)
    void aCronJobPageShowsChartsHeatmapRunsIncidentsMonitorsAndAFailedRunsLogTail() {
        browser.open(ui + "#/cronjob/team-a/backup-db");
        browser.waitFor(By.cssSelector("#runs tbody tr"));
        JsonNode runs = api("/api/v1/cronjobs/team-a/backup-db/executions?limit=500");
        assertThat(browser.all(By.cssSelector("#runs tbody tr[data-job]"))).hasSize(runs.get("items").size());
        assertThat(browser.all(By.cssSelector("#runs tbody tr[data-job]")).stream().filter(WebElement::isDisplayed))
                .as("the newest 25 until 'Show all'").hasSize(25);
        assertThat(browser.all(By.cssSelector("circle.run-succeeded")).size()
                + browser.all(By.cssSelector("circle.run-failed")).size()).isEqualTo(runs.get("items").size());
        long failed = java.util.stream.StreamSupport.stream(runs.get("items").spliterator(), false)
                .filter(r -> r.get("status").asText().equals("failed")).count();
        assertThat(failed).isPositive();
        assertThat(browser.all(By.cssSelector("circle.run-failed"))).hasSize((int) failed);
        assertThat(browser.all(By.cssSelector("rect.dur-failed"))).hasSize((int) failed);
        assertThat(browser.all(By.cssSelector("line.line-p95"))).hasSize(1);
        JsonNode heat = api("/api/v1/cronjobs/team-a/backup-db/heatmap");
        assertThat(browser.all(By.cssSelector("rect.hm-ok")).size() + browser.all(By.cssSelector("rect.hm-failed"))
                .size()).isEqualTo(heat.get("cells").size());
        assertThat(browser.all(By.cssSelector("rect.hm-none")).size()
                + heat.get("cells").size()).isEqualTo(28 * 24);

        JsonNode firstFailed = java.util.stream.StreamSupport.stream(runs.get("items").spliterator(), false)
                .filter(r -> r.get("status").asText().equals("failed")).findFirst().orElseThrow();
        WebElement row = browser.waitFor(By.cssSelector("#runs tr[data-job='" + firstFailed.get("jobName").asText()
                + "']"));
        assertThat(row.getText()).contains("137").contains("OOMKilled");
        row.findElement(By.cssSelector("button.show-log")).click();
        String log = browser.text(By.cssSelector("#runs .details-row pre.log"));
        assertThat(log.replaceAll("\\s+", " ")).isEqualTo(api("/api/v1/executions/"
                + firstFailed.get("jobUid").asText()).get("logTail").asText().strip().replaceAll("\\s+", " "));
        assertThat(browser.text(By.cssSelector("#runs .details-row ul.events"))).contains("BackoffLimitExceeded")
                .contains("OOMKilling");
        assertThat(row.findElement(By.cssSelector("button.show-log")).getAttribute("aria-expanded")).isEqualTo("true");

        assertThat(browser.all(By.cssSelector("table.incidents tbody tr[data-incident]")))
                .hasSize(api("/api/v1/alerts?state=all&namespace=team-a&cronjob=backup-db&limit=100").get("items")
                        .size());
        assertThat(browser.text(By.cssSelector("section.spec[data-monitor='team-a/all']"))).contains("ops");
        String csv = browser.waitFor(By.id("csv")).getAttribute("href");
        assertThat(csv).endsWith("/api/v1/cronjobs/team-a/backup-db/executions.csv");
        browser.screenshot("cronjob");
    }

    @Test
    @Order(4)
    void aCronJobWithAnSlaShowsItsMaxDurationLineAndItsMissedSlots() {
        browser.open(ui + "#/cronjob/team-b/sync-inventory");
        browser.waitFor(By.cssSelector("#runs tbody tr"));
        JsonNode slots = api("/api/v1/cronjobs/team-b/sync-inventory/slots");
        assertThat(slots.get("missed").asInt()).isPositive();
        assertThat(browser.all(By.cssSelector("path.missed-slot"))).hasSize(slots.get("missed").asInt());
        assertThat(browser.all(By.cssSelector("line.line-max"))).hasSize(1);
        assertThat(browser.waitFor(By.cssSelector(".cards")).getText()).contains("3m 00s");
        assertThat(browser.text(By.cssSelector("section.spec[data-monitor='team-b/sla']"))).contains("pager")
                .contains("maxDuration 3m 00s");
        browser.screenshot("cronjob-sla", 2200);
    }

    @Test
    @Order(5)
    void theIncidentsPageShowsTypesSeveritiesNotificationsPerChannelAndTheFailureContext() {
        browser.open(ui + "#/incidents?state=all");
        browser.waitFor(By.cssSelector("table.incidents tbody tr[data-incident]"));
        JsonNode all = api("/api/v1/alerts?state=all&limit=200");
        assertThat(browser.all(By.cssSelector("table.incidents tbody tr[data-incident]"))).hasSize(all.get("items")
                .size());
        // the incident whose pager notifications failed (the scenario's pager fails its first two deliveries)
        JsonNode team = java.util.stream.StreamSupport.stream(all.get("items").spliterator(), false)
                .filter(i -> api("/api/v1/alerts/" + i.get("id").asText() + "/notifications").toString()
                        .contains("\"status\":\"failed\"")).findFirst().orElseThrow();
        WebElement row = browser.waitFor(By.cssSelector("tr[data-incident='" + team.get("id").asText() + "']"));
        assertThat(row.getText()).contains(team.get("type").asText()).contains(team.get("severity").asText());
        row.findElement(By.cssSelector("button.show-notifications")).click();
        browser.waitFor(By.cssSelector(".details-row table.notifications tbody tr"));
        JsonNode notes = api("/api/v1/alerts/" + team.get("id").asText() + "/notifications");
        assertThat(browser.all(By.cssSelector(".details-row table.notifications tbody tr"))).hasSize(notes.get("items")
                .size());
        for (JsonNode n : notes.get("items")) {
            By line = By.cssSelector(".details-row tr[data-notification='" + n.get("id").asText() + "']");
            String status = n.get("status").asText();
            String[] shown = List.of("sent", "failed").contains(status) ? new String[] {status}
                    : new String[] {"retrying", "deferred", "pending", "sending"};
            assertThat(browser.text(line)).as(n.toString()).startsWith(n.get("channel").asText())
                    .containsAnyOf(shown);
            if (n.get("lastError").isTextual()) {
                assertThat(browser.text(line)).contains(n.get("lastError").asText());
            }
        }
        assertThat(browser.text(By.cssSelector(".details-row dl.kv"))).contains("Reason");
        browser.screenshot("incidents");

        new Select(browser.waitFor(By.id("i-type"))).selectByValue("MissedSchedule");
        browser.waitUntil("only MissedSchedule", d -> {
            List<WebElement> rows = browser.all(By.cssSelector("table.incidents tbody tr[data-incident]"));
            return !rows.isEmpty() && rows.stream().allMatch(r -> r.getText().contains("MissedSchedule"));
        });
        assertThat(browser.all(By.cssSelector("table.incidents tbody tr[data-incident]"))).hasSize(
                api("/api/v1/alerts?state=all&type=MissedSchedule&limit=200").get("items").size());
    }

    @Test
    @Order(6)
    void theChannelsPageShowsStatisticsAndTheLastErrorAndNoSendTestWhenActionsAreOff() {
        browser.open(ui + "#/channels");
        browser.waitFor(By.cssSelector("#channels tbody tr[data-channel]"));
        JsonNode channels = api("/api/v1/channels");
        for (JsonNode c : channels.get("items")) {
            WebElement row = browser.waitFor(By.cssSelector("tr[data-channel='" + c.get("name").asText() + "']"));
            assertThat(row.findElement(By.cssSelector("td.sent")).getText())
                    .isEqualTo(c.get("stats").get("alertsSentTotal").asText());
            assertThat(row.findElement(By.cssSelector("td.failed")).getText())
                    .isEqualTo(c.get("stats").get("alertsFailedTotal").asText());
        }
        JsonNode pager = java.util.stream.StreamSupport.stream(channels.get("items").spliterator(), false)
                .filter(c -> c.get("name").asText().equals("pager")).findFirst().orElseThrow();
        assertThat(pager.get("stats").get("lastFailedError").isNull()).isFalse();
        assertThat(browser.text(By.cssSelector("tr[data-channel='pager'] .last-error")))
                .isEqualTo(pager.get("stats").get("lastFailedError").asText());
        assertThat(browser.all(By.cssSelector("button.send-test"))).as("actions are off").isEmpty();
        assertThat(browser.all(By.id("token"))).isEmpty();
        browser.screenshot("channels");
    }

    @Test
    @Order(7)
    void theMonitorsPageShowsEachMonitorAndItsSelectionRulesAndCronJobs() {
        browser.open(ui + "#/monitors");
        browser.waitFor(By.cssSelector("#monitors tbody tr[data-monitor]"));
        assertThat(browser.all(By.cssSelector("#monitors tbody tr[data-monitor]")).stream()
                .map(r -> r.getAttribute("data-monitor")).collect(Collectors.toList()))
                .containsExactlyInAnyOrder("team-a/all", "team-b/sla");
        browser.screenshot("monitors");
        browser.waitFor(By.linkText("team-b/sla")).click();
        browser.waitFor(By.cssSelector("#selected tbody tr"));
        assertThat(browser.all(By.cssSelector("#selected tbody tr")).stream().map(r -> r.getAttribute("data-cronjob"))
                .collect(Collectors.toList())).containsExactlyInAnyOrder("team-b/sync-inventory",
                "team-b/rebuild-index");
        String spec = browser.text(By.cssSelector("section.spec"));
        assertThat(spec).contains("scope own namespace").contains("success rate ≥ 95").contains("maxDuration 3m 00s")
                .contains("from schedule on").contains("ops, pager");
        browser.screenshot("monitor");
    }

    @Test
    @Order(8)
    void keyboardAloneReachesTheFiltersAndOpensACronJob() {
        browser.open(ui);
        browser.waitFor(By.cssSelector("#cronjobs tbody tr[data-cronjob]"));
        for (String id : List.of("f-namespace", "f-status", "f-search")) {
            assertThat(browser.all(By.cssSelector("label[for='" + id + "']"))).as("label of " + id).hasSize(1);
        }
        WebElement active = null;
        for (int i = 0; i < 40; i++) {
            browser.driver.switchTo().activeElement().sendKeys(Keys.TAB);
            active = browser.driver.switchTo().activeElement();
            if ("backup-db".equals(active.getText())) {
                break;
            }
        }
        assertThat(active.getText()).isEqualTo("backup-db");
        active.sendKeys(Keys.ENTER);
        browser.waitFor(By.cssSelector("#runs tbody tr"));
        assertThat(browser.driver.getCurrentUrl()).endsWith("#/cronjob/team-a/backup-db");
    }

    @Test
    @Order(9)
    void atPhoneWidthTheOverviewFitsWithoutTheOptionalColumns() {
        try {
            browser.size(390, 844);
            browser.open(ui);
            browser.waitFor(By.cssSelector("#cronjobs tbody tr[data-cronjob]"));
            long scroll = ((Number) browser.js("return document.documentElement.scrollWidth")).longValue();
            long client = ((Number) browser.js("return document.documentElement.clientWidth")).longValue();
            assertThat(scroll).as("no horizontal scrolling of the page").isLessThanOrEqualTo(client);
            assertThat(browser.all(By.cssSelector("#cronjobs th.opt")).stream().noneMatch(WebElement::isDisplayed))
                    .isTrue();
            browser.screenshot("overview-phone");
        } finally {
            browser.size(1280, 900);
        }
    }

    @Test
    @Order(10)
    void theOverviewShowsANewRunWithoutReloading() {
        browser.open(ui);
        WebElement row = browser.waitFor(By.cssSelector("tr[data-cronjob='payments/settle-ledger']"));
        assertThat(row.findElement(By.cssSelector("td.last-run")).getText()).isEqualTo("—");
        browser.js("window.__noReload = 'still here'");
        browser.waitFor(By.linkText("backup-db")).sendKeys("");   // keyboard focus on a row's link
        assertThat(browser.driver.switchTo().activeElement().getText()).isEqualTo("backup-db");
        Instant slot = data.f.clock.instant().truncatedTo(java.time.temporal.ChronoUnit.HOURS)
                .plus(Duration.ofMinutes(45));
        data.run(data.live, slot, 20, false, 0);
        browser.waitUntil("the new failed run shows", d -> d.findElement(
                By.cssSelector("tr[data-cronjob='payments/settle-ledger'] td.last-run")).getText().contains("failed"));
        assertThat(browser.js("return window.__noReload")).as("the page was not reloaded").isEqualTo("still here");
        assertThat(browser.driver.switchTo().activeElement().getText()).as("the update kept the focus")
                .isEqualTo("backup-db");
        assertThat(browser.text(By.cssSelector("tr[data-cronjob='payments/settle-ledger']"))).contains("1 runs");
        browser.open(ui + "#/cronjob/team-a/backup-db");
        browser.waitFor(By.id("more-runs")).click();
        browser.waitUntil("every loaded run shows", d -> d.findElements(By.cssSelector("#runs tbody tr[data-job]"))
                .stream().allMatch(WebElement::isDisplayed));
    }
}
