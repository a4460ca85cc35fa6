package io.cronjobguardian.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium (Debian's {@code chromium} and {@code chromium-driver}) driven by Selenium, with the driver path
 * given so that Selenium Manager never downloads anything. Without the browser a test fails under {@code CI=true}
 * ({@code .ci/setup-chromium.sh} installs it) and is skipped elsewhere. Collects the page's console errors and
 * failed requests, and writes screenshots to {@code target/dashboard-screenshots/}.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getProperty("guardian.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("guardian.chromedriver", "/usr/bin/chromedriver"));
    static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");
    /** Where {@code -Dguardian.regenerateDocs=true} copies the README's screenshots (overview, a CronJob with an SLA). */
    static final Path DOC_IMAGES = Path.of("..", "docs", "images");
    /** How long a page may take to show what a test waits for (it is polled; most appear in well under 1 s). */
    static final Duration WAIT = Duration.ofSeconds(20);

    final ChromeDriver driver;
    private final ChromeDriverService service;
    private final Path profile;

    private Browser(ChromeDriverService service, ChromeDriver driver, Path profile) {
        this.service = service;
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts headless Chromium at 1280 x 900; fails (CI) or skips (elsewhere) when it is not installed. */
    static Browser start() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present) {
            String why = "headless Chromium is needed: " + CHROMIUM + " and " + CHROMEDRIVER + " (apt-get install "
                    + "chromium chromium-driver, or bash .ci/setup-chromium.sh)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(why);
            }
            Assumptions.abort(why);
        }
        Path profile;
        try {
            profile = Files.createTempDirectory("guardian-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--disable-extensions", "--window-size=1280,900",
                "--user-data-dir=" + profile.toAbsolutePath());
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return new Browser(service, driver, profile);
    }

    void open(String url) {
        driver.get(url);
    }

    WebElement waitFor(By by) {
        return new WebDriverWait(driver, WAIT).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .withMessage("waiting for " + by).until(d -> {
            List<WebElement> found = d.findElements(by);
            return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
        });
    }

    <T> T waitUntil(String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .withMessage(what).until(condition);
    }

    List<WebElement> all(By by) {
        return driver.findElements(by);
    }

    String text(By by) {
        return waitFor(by).getText();
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Sets the window size (a phone is 390 x 844). */
    void size(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /**
     * Writes a screenshot of the whole page from its top (the window is stretched to the page's height, at most
     * 5000 px, then put back) to {@code target/dashboard-screenshots/<name>.png}.
     */
    Path screenshot(String name) {
        return screenshot(name, 5000);
    }

    /** A screenshot of the top of the page, at most {@code maxHeight} pixels high. */
    Path screenshot(String name, int maxHeight) {
        Dimension before = driver.manage().window().getSize();
        js("window.scrollTo(0, 0)");
        long height = ((Number) js("return Math.max(document.documentElement.scrollHeight, "
                + "document.body.scrollHeight)")).longValue();
        size(before.getWidth(), (int) Math.min(maxHeight, Math.max(before.getHeight(), height + 90)));
        try {
            File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            Files.createDirectories(SCREENSHOTS);
            Path out = SCREENSHOTS.resolve(name + ".png");
            Files.copy(shot.toPath(), out, StandardCopyOption.REPLACE_EXISTING);
            String doc = Map.of("overview", "dashboard-overview.png", "cronjob-sla", "dashboard-cronjob.png").get(name);
            if (Boolean.getBoolean("guardian.regenerateDocs") && doc != null) {
                Files.createDirectories(DOC_IMAGES);
                Files.copy(out, DOC_IMAGES.resolve(doc), StandardCopyOption.REPLACE_EXISTING);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            size(before.getWidth(), before.getHeight());
        }
    }

    /** Console messages of level SEVERE (errors, uncaught exceptions, failed loads) since the last call. */
    List<String> consoleErrors() {
        List<String> out = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
                out.add(e.getMessage());
            }
        }
        return out;
    }

    /**
     * Requests of the current page that failed: an HTTP status of 400 or more, or no response (status 0), from the
     * browser's Resource Timing entries.
     */
    @SuppressWarnings("unchecked")
    List<String> failedRequests() {
        List<Object> entries = (List<Object>) js("return performance.getEntriesByType('resource')"
                + ".map(e => ({name: e.name, status: e.responseStatus}))");
        List<String> out = new ArrayList<>();
        for (Object o : entries) {
            Map<String, Object> e = (Map<String, Object>) o;
            Number status = (Number) e.get("status");
            if (status == null || status.intValue() == 0 || status.intValue() >= 400) {
                out.add(e.get("name") + " -> " + status);
            }
        }
        return out;
    }

    /** Asserts that the page logged no error and no request failed. */
    void assertClean(String where) {
        assertThat(consoleErrors()).as(where + ": console errors").isEmpty();
        assertThat(failedRequests()).as(where + ": failed requests").isEmpty();
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary profile left behind is harmless
            }
        }
    }
}
