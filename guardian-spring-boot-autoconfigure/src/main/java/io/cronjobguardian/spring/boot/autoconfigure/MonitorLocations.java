package io.cronjobguardian.spring.boot.autoconfigure;

import io.cronjobguardian.engine.config.ConfigProblem;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.config.InvalidConfigException;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.engine.monitor.MonitorSpecLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;

/**
 * Reads monitors ({@code CronJobMonitor} YAML, one or several documents per file) from the Spring resources named
 * in {@code guardian.monitors.locations} ({@code classpath:monitors/*.yaml}, {@code file:/etc/guardian/*.yaml}).
 * A location that names one resource that does not exist is a problem; a pattern that matches nothing is a warning.
 * Every problem of every resource is reported at once.
 */
final class MonitorLocations {

    private static final Logger LOG = LoggerFactory.getLogger(MonitorLocations.class);
    private static final String KEY = "guardian.monitors.locations";

    private MonitorLocations() {
    }

    static List<MonitorSpec> load(ResourcePatternResolver resolver, List<String> locations, GuardianConfig config) {
        MonitorSpecLoader loader = MonitorSpecLoader.forConfig(config);
        List<MonitorSpec> out = new ArrayList<>();
        List<ConfigProblem> problems = new ArrayList<>();
        for (String location : locations) {
            String loc = location.trim();
            if (loc.isEmpty()) {
                continue;
            }
            Resource[] resources;
            try {
                resources = resolver.getResources(loc);
            } catch (IOException | RuntimeException e) {
                problems.add(new ConfigProblem(KEY, "cannot resolve \"" + loc + "\": " + e.getMessage(), null, 0));
                continue;
            }
            boolean pattern = loc.contains("*") || loc.contains("?");
            if (resources.length == 0 || (!pattern && !resources[0].exists())) {
                if (pattern) {
                    LOG.warn("{}: \"{}\" matches no resource", KEY, loc);
                } else {
                    problems.add(new ConfigProblem(KEY, "\"" + loc + "\" does not exist", null, 0));
                }
                continue;
            }
            for (Resource r : resources) {
                String text;
                try (InputStream in = r.getInputStream()) {
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    problems.add(new ConfigProblem(KEY, "cannot read " + r.getDescription() + ": " + e.getMessage(),
                            null, 0));
                    continue;
                }
                try {
                    MonitorSpecLoader.Result result = loader.parse(text, r.getDescription());
                    result.warnings().forEach(w -> LOG.warn("monitors: {}", w));
                    out.addAll(result.monitors());
                } catch (InvalidConfigException e) {
                    problems.addAll(e.problems());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigException("invalid CronJobMonitor specs in " + KEY, problems);
        }
        return out;
    }
}
