package io.cronjobguardian.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.Yaml;

/** The chart under test, rendered with Helm itself (helm-java: Helm as a native library, no cluster). */
final class Chart {

    static final Path ROOT = Path.of("..", "..").toAbsolutePath().normalize();
    static final Path DIR = ROOT.resolve("deploy/helm/cronjob-guardian");
    static final Path HA = DIR.resolve("examples/values-ha.yaml");
    static final Path HA_PRODUCTION = DIR.resolve("examples/values-ha-production.yaml");
    static final String RELEASE = "cronjob-guardian";
    static final String NAMESPACE = "guardian";

    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Chart() {
    }

    /** What {@code helm template} rendered, parsed. */
    record Rendered(String yaml, List<HasMetadata> objects) {

        <T extends HasMetadata> List<T> all(Class<T> type) {
            List<T> out = new ArrayList<>();
            objects.stream().filter(type::isInstance).map(type::cast).forEach(out::add);
            return out;
        }

        <T extends HasMetadata> T one(Class<T> type) {
            List<T> all = all(type);
            if (all.size() != 1) {
                throw new AssertionError("expected one " + type.getSimpleName() + ", got " + all.size());
            }
            return all.get(0);
        }

        Optional<HasMetadata> kind(String kind) {
            return objects.stream().filter(o -> kind.equals(o.getKind())).findFirst();
        }

        Deployment deployment() {
            return one(Deployment.class);
        }

        Container container() {
            return deployment().getSpec().getTemplate().getSpec().getContainers().get(0);
        }

        /** The {@code guardian:} map of the service's mounted application.yaml. */
        @SuppressWarnings("unchecked")
        Map<String, Object> guardianConfig() {
            ConfigMap cm = all(ConfigMap.class).stream()
                    .filter(c -> c.getMetadata().getName().equals(RELEASE)).findFirst().orElseThrow();
            Map<String, Object> doc = new Yaml().load(cm.getData().get("application.yaml"));
            return (Map<String, Object>) doc.get("guardian");
        }
    }

    /**
     * Renders the chart.
     *
     * @param valuesFiles values files, in order
     * @param sets        {@code --set} pairs (key, value, key, value ...)
     * @return the parsed objects
     */
    static Rendered render(List<Path> valuesFiles, Object... sets) {
        String yaml = template(valuesFiles, sets);
        List<HasMetadata> objects = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (doc.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
                continue;
            }
            KubernetesResource r = SERIALIZATION.unmarshal(doc, KubernetesResource.class);
            objects.add((HasMetadata) r);
        }
        return new Rendered(yaml, objects);
    }

    static String template(List<Path> valuesFiles, Object... sets) {
        var cmd = new Helm(DIR).template().withName(RELEASE).withNamespace(NAMESPACE);
        for (Path f : valuesFiles) {
            cmd = cmd.withValuesFile(f);
        }
        for (int i = 0; i < sets.length; i += 2) {
            cmd = cmd.set((String) sets[i], sets[i + 1]);
        }
        return cmd.call();
    }

    /**
     * {@code helm lint --strict} of the chart with these values: helm-java's lint takes no values file, so the chart
     * is copied and its values.yaml replaced by the defaults deep-merged with the file (what Helm does).
     */
    static LintResult lint(Path tmp, Path valuesFile) throws IOException {
        Path copy = tmp.resolve("cronjob-guardian");
        copyTree(DIR, copy);
        if (valuesFile != null) {
            Yaml yaml = new Yaml();
            Map<String, Object> defaults = yaml.load(Files.readString(DIR.resolve("values.yaml")));
            Map<String, Object> over = yaml.load(Files.readString(valuesFile));
            Files.writeString(copy.resolve("values.yaml"), yaml.dump(merge(defaults, over)));
        }
        return new Helm(copy).lint().strict().call();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        over.forEach((k, v) -> {
            Object b = out.get(k);
            if (b instanceof Map && v instanceof Map) {
                out.put(k, merge((Map<String, Object>) b, (Map<String, Object>) v));
            } else {
                out.put(k, v);
            }
        });
        return out;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Leaves of a YAML map as dotted paths; a list is one leaf (compared whole). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> leaves(Map<String, Object> map, String prefix) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            String path = prefix.isEmpty() ? k : prefix + "." + k;
            if (v instanceof Map && !((Map<?, ?>) v).isEmpty()) {
                out.putAll(leaves((Map<String, Object>) v, path));
            } else {
                out.put(path, v);
            }
        });
        return out;
    }

    static Map<String, Object> loadYaml(Path file) throws IOException {
        return new Yaml().load(Files.readString(file));
    }

    /** A fabric8 model (or any object) as plain YAML-shaped maps and lists, for comparison with values. */
    static Object plain(Object model) {
        return new Yaml().load(SERIALIZATION.asYaml(model));
    }
}
