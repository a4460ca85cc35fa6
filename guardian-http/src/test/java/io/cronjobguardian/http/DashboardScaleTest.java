package io.cronjobguardian.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.testkit.TestObjects;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The overview of 10,000 CronJobs in headless Chromium: the first page shows, paged by the server, with the counts
 * of all of them. Prints how long the first render takes (navigation start to the table on screen, as the page
 * records it), over several loads: a figure for the README, not a timed assertion.
 */
class DashboardScaleTest {

    static final int CRONJOBS = 10_000;
    static final int LOADS = 7;

    @Test
    void theOverviewOfTenThousandCronJobsRendersItsFirstPageAndPrintsHowFast() {
        try (Fixture f = Fixture.plain(); Browser browser = Browser.start()) {
            for (int i = 0; i < CRONJOBS; i++) {
                f.watcher.addCronJob(TestObjects.cronJob("team-" + (i % 40), String.format(Locale.ROOT, "job-%05d", i))
                        .schedule((i % 60) + " * * * *").creationTime(Fixture.T0).build());
            }
            f.scheduler.runPending();
            assertThat(f.get("/api/v1/stats").json().get("totalCronJobs").asInt()).isEqualTo(CRONJOBS);
            String ui = f.server.dashboardUrl().orElseThrow().toString();
            List<Double> renders = new ArrayList<>();
            List<Double> apiCalls = new ArrayList<>();
            for (int load = 0; load < LOADS + 1; load++) {
                browser.open(ui + "?load=" + load);
                browser.waitFor(By.cssSelector("#cronjobs tbody tr[data-cronjob]"));
                Number rendered = browser.waitUntil("the page recorded its first render",
                        d -> (Number) browser.js("return window.__guardianOverviewRendered"));
                Number api = (Number) browser.js("const e = performance.getEntriesByType('resource')"
                        + ".filter(x => x.name.includes('/api/v1/cronjobs?')); return e.length ? e[0].duration : null");
                if (load > 0) {   // the first load warms the server's JIT and the browser's caches
                    renders.add(rendered.doubleValue());
                    apiCalls.add(api == null ? Double.NaN : api.doubleValue());
                }
                assertThat(browser.all(By.cssSelector("#cronjobs tbody tr[data-cronjob]"))).hasSize(50);
                assertThat(browser.text(By.id("range"))).isEqualTo("1–50 of 10,000");
                assertThat(browser.text(By.cssSelector(".chips button[data-state='all'] .count"))).isEqualTo("10,000");
            }
            browser.waitFor(By.id("next")).click();
            browser.waitUntil("the second page", d -> d.findElement(By.id("range")).getText()
                    .equals("51–100 of 10,000"));
            browser.assertClean("10,000 CronJobs");
            Collections.sort(renders);
            Collections.sort(apiCalls);
            System.out.printf(Locale.ROOT, "DASHBOARD-FIGURE first render of the overview with %,d CronJobs in headless "
                    + "Chromium: median %.0f ms (min %.0f, max %.0f, %d loads after one warm-up); the "
                    + "/api/v1/cronjobs request inside it: median %.0f ms%n", CRONJOBS, renders.get(renders.size() / 2),
                    renders.get(0), renders.get(renders.size() - 1), renders.size(), apiCalls.get(apiCalls.size() / 2));
        }
    }
}
