package io.cronjobguardian.examples.reference;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;

/**
 * The metric names the shipped Grafana dashboard ({@code deploy/grafana/*.json}) and Prometheus rules
 * ({@code deploy/prometheus/*-rules.yaml}) query, minus the ones that come from Prometheus and the cluster rather
 * than from the service ({@link #FROM_ELSEWHERE}).
 */
final class DeployMetrics {

    /** Series of Prometheus itself, cAdvisor (kubelet) and kube-state-metrics, which the service cannot serve. */
    static final Set<String> FROM_ELSEWHERE = Set.of("up", "container_cpu_usage_seconds_total",
            "container_memory_working_set_bytes", "kube_pod_container_resource_limits", "ALERTS");

    private static final Set<String> PROMQL_WORDS = Set.of("sum", "min", "max", "avg", "count", "stddev", "stdvar",
            "topk", "bottomk", "quantile", "count_values", "group", "by", "without", "on", "ignoring", "group_left",
            "group_right", "and", "or", "unless", "bool", "offset", "rate", "irate", "increase", "delta", "idelta",
            "deriv", "histogram_quantile", "abs", "ceil", "floor", "round", "clamp", "clamp_min", "clamp_max",
            "label_replace", "label_join", "vector", "scalar", "time", "timestamp", "absent", "absent_over_time",
            "changes", "resets", "avg_over_time", "min_over_time", "max_over_time", "sum_over_time",
            "count_over_time", "last_over_time", "present_over_time", "sort", "sort_desc", "exp", "ln", "log2",
            "log10", "sqrt", "inf", "nan", "e");

    private static final Pattern JSON_EXPR = Pattern.compile("\"(?:expr|query)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private DeployMetrics() {
    }

    /** Every expression of the dashboards and rules files under {@code deploy}. */
    static List<String> expressions(Path deploy) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(deploy.resolve("grafana"))) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".json")).sorted()::iterator) {
                Matcher m = JSON_EXPR.matcher(Files.readString(f, StandardCharsets.UTF_8));
                while (m.find()) {
                    if (m.group().startsWith("\"query\"") && !m.group(1).contains("(")) {
                        continue; // a data-source variable's plugin type ("query": "prometheus"), not PromQL
                    }
                    out.add(m.group(1).replace("\\\"", "\"").replace("\\n", " ").replace("\\\\", "\\"));
                }
            }
        }
        try (Stream<Path> files = Files.list(deploy.resolve("prometheus"))) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith("-rules.yaml")).sorted()::iterator) {
                Map<String, Object> doc = new Yaml().load(Files.readString(f, StandardCharsets.UTF_8));
                for (Object g : (List<?>) doc.get("groups")) {
                    for (Object r : (List<?>) ((Map<?, ?>) g).get("rules")) {
                        out.add(String.valueOf(((Map<?, ?>) r).get("expr")));
                    }
                }
            }
        }
        if (out.isEmpty()) {
            throw new AssertionError("no expressions found under " + deploy.toAbsolutePath());
        }
        return out;
    }

    /** The metric names one PromQL expression reads (Grafana's {@code $variables} and label matchers aside). */
    static Set<String> metricsOf(String expr) {
        String s = expr.replaceAll("label_values\\(([^,)]*)(?:,[^)]*)?\\)", "$1")   // Grafana: metric, label
                .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")    // string literals
                .replaceAll("\\{[^}]*}", " ")                                // label matchers
                .replaceAll("\\[[^]]*]", " ")                                // ranges, [5m], [$__rate_interval]
                .replaceAll("(?i)\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\$\\{?[a-zA-Z_]+}?", " ");                     // Grafana variables
        Set<String> out = new TreeSet<>();
        Matcher m = IDENT.matcher(s);
        while (m.find()) {
            String id = m.group();
            int after = m.end();
            while (after < s.length() && s.charAt(after) == ' ') {
                after++;
            }
            boolean call = after < s.length() && s.charAt(after) == '(';
            boolean number = m.start() > 0 && (Character.isDigit(s.charAt(m.start() - 1))
                    || s.charAt(m.start() - 1) == '.');
            if (!call && !number && !PROMQL_WORDS.contains(id.toLowerCase(java.util.Locale.ROOT))) {
                out.add(id);
            }
        }
        return out;
    }

    /** The metrics of every expression under {@code deploy} that the service itself must serve. */
    static Set<String> used(Path deploy) throws IOException {
        Set<String> out = new TreeSet<>();
        for (String e : expressions(deploy)) {
            out.addAll(metricsOf(e));
        }
        out.removeAll(FROM_ELSEWHERE);
        return out;
    }
}
