package io.cronjobguardian.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Finds and chooses {@link GuardianProvider}s through {@link ServiceLoader}.
 *
 * <p>Rules (ARCHITECTURE.md §4):
 * <ol>
 *   <li>Providers are loaded from the thread context class loader, then from this library's own loader; a class
 *       found by both counts once.</li>
 *   <li>A provider that fails to load or instantiate is reported (logged at WARNING, and in
 *       {@link Discovery#problems()}) and skipped; it never breaks discovery of the others.</li>
 *   <li>When the settings name a provider ({@code storage.type=postgres}), that one is used; an unknown name fails
 *       with the list of names found.</li>
 *   <li>Otherwise the highest-{@link GuardianProvider#priority() priority} provider that
 *       {@link GuardianProvider#supports supports} the settings is used; a tie is resolved by name and logged as a
 *       warning naming the key that settles it.</li>
 *   <li>When none qualifies, selection fails with every candidate found and the artifact to add.</li>
 * </ol>
 * Discovery never opens a connection: it only instantiates providers and calls {@code supports}.
 * An instance handed to the engine's builder bypasses all of this.
 */
public final class Providers {

    private static final System.Logger LOG = System.getLogger(Providers.class.getName());
    private static final int MAX_ITERATIONS = 1000;

    private Providers() {
    }

    /**
     * What discovery found.
     *
     * @param providers the providers that loaded, in load order
     * @param problems  one message per provider that failed to load
     * @param <P>       provider type
     */
    public record Discovery<P>(List<P> providers, List<String> problems) {
        public Discovery {
            providers = List.copyOf(providers);
            problems = List.copyOf(problems);
        }
    }

    /** Discovers providers of {@code spi} from the thread context class loader and this library's loader. */
    public static <P extends GuardianProvider<?>> Discovery<P> discover(Class<P> spi) {
        List<ClassLoader> loaders = new ArrayList<>();
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        if (tccl != null) {
            loaders.add(tccl);
        }
        ClassLoader own = Providers.class.getClassLoader();
        if (own != null && own != tccl) {
            loaders.add(own);
        }
        if (loaders.isEmpty()) {
            loaders.add(ClassLoader.getSystemClassLoader());
        }
        return discover(spi, loaders);
    }

    /** Discovers providers of {@code spi} from the given class loaders, in order. */
    public static <P extends GuardianProvider<?>> Discovery<P> discover(Class<P> spi, List<ClassLoader> loaders) {
        Objects.requireNonNull(spi, "spi");
        Map<String, P> found = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (ClassLoader loader : loaders) {
            Iterator<P> it = ServiceLoader.load(spi, loader).iterator();
            for (int i = 0; i < MAX_ITERATIONS; i++) {
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    P p = it.next();
                    found.putIfAbsent(p.getClass().getName(), p);
                } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                    String msg = spi.getSimpleName() + " provider skipped: " + describe(e);
                    if (!problems.contains(msg)) {
                        problems.add(msg);
                        LOG.log(System.Logger.Level.WARNING, msg, e);
                    }
                }
            }
        }
        return new Discovery<>(new ArrayList<>(found.values()), problems);
    }

    /**
     * Discovers and selects the provider of {@code spi} for these settings.
     *
     * @param typeKey   the key that names a provider (e.g. {@link HistoryStoreProvider#TYPE_KEY})
     * @param artifacts what to add to the classpath when none is found
     * @throws ConfigException when the named provider is missing or none supports the settings
     */
    public static <P extends GuardianProvider<?>> P select(Class<P> spi, Settings settings, String typeKey,
            String artifacts) {
        return select(spi, discover(spi), settings, typeKey, artifacts);
    }

    /** Selects among already discovered providers; see {@link #select(Class, Settings, String, String)}. */
    public static <P extends GuardianProvider<?>> P select(Class<P> spi, Discovery<P> discovery, Settings settings,
            String typeKey, String artifacts) {
        String wanted = settings.getString(typeKey, null);
        Comparator<P> order = Comparator.<P>comparingInt(GuardianProvider::priority).reversed()
                .thenComparing(GuardianProvider::name);
        if (wanted != null) {
            List<P> named = discovery.providers().stream()
                    .filter(p -> p.name().equalsIgnoreCase(wanted))
                    .sorted(order)
                    .collect(Collectors.toList());
            if (named.isEmpty()) {
                throw new ConfigException(typeKey, "no " + spi.getSimpleName() + " named \"" + wanted + "\" on the "
                        + "classpath; found: " + candidates(discovery) + ". Add " + artifacts + problemsSuffix(discovery));
            }
            warnOnTie(spi, named, typeKey);
            return named.get(0);
        }
        List<P> supporting = new ArrayList<>();
        List<String> declined = new ArrayList<>();
        for (P p : discovery.providers()) {
            try {
                if (p.supports(settings)) {
                    supporting.add(p);
                } else {
                    declined.add(p.name());
                }
            } catch (RuntimeException e) {
                String msg = spi.getSimpleName() + " " + p.name() + " skipped: supports() threw " + describe(e);
                declined.add(p.name() + " (supports() failed)");
                LOG.log(System.Logger.Level.WARNING, msg, e);
            }
        }
        if (supporting.isEmpty()) {
            String what = discovery.providers().isEmpty()
                    ? "no " + spi.getSimpleName() + " found on the classpath"
                    : "no " + spi.getSimpleName() + " supports these settings (found: " + candidates(discovery)
                            + "; declined: " + String.join(", ", declined) + ")";
            throw new ConfigException(typeKey, what + ". Add " + artifacts + " to the classpath, or set " + typeKey
                    + problemsSuffix(discovery));
        }
        supporting.sort(order);
        warnOnTie(spi, supporting, typeKey);
        P chosen = supporting.get(0);
        LOG.log(System.Logger.Level.DEBUG, () -> spi.getSimpleName() + ": chose " + chosen.name() + " ("
                + chosen.getClass().getName() + ")");
        return chosen;
    }

    /** The provider named {@code name} (case-insensitive), if one was discovered. */
    public static <P extends GuardianProvider<?>> Optional<P> byName(Class<P> spi, String name) {
        return discover(spi).providers().stream()
                .filter(p -> p.name().equalsIgnoreCase(name))
                .max(Comparator.comparingInt(GuardianProvider::priority));
    }

    private static <P extends GuardianProvider<?>> void warnOnTie(Class<P> spi, List<P> sorted, String typeKey) {
        if (sorted.size() > 1 && sorted.get(0).priority() == sorted.get(1).priority()) {
            String tied = sorted.stream().filter(p -> p.priority() == sorted.get(0).priority())
                    .map(p -> p.name() + " (" + p.getClass().getName() + ")").collect(Collectors.joining(", "));
            LOG.log(System.Logger.Level.WARNING, "Several " + spi.getSimpleName() + "s with priority "
                    + sorted.get(0).priority() + ": " + tied + "; chose " + sorted.get(0).name()
                    + ". Set " + typeKey + " or remove a dependency to choose explicitly.");
        }
    }

    private static String candidates(Discovery<?> discovery) {
        if (discovery.providers().isEmpty()) {
            return "none";
        }
        return discovery.providers().stream()
                .map(p -> {
                    GuardianProvider<?> g = (GuardianProvider<?>) p;
                    return g.name() + " (" + p.getClass().getName() + ", priority " + g.priority() + ")";
                })
                .collect(Collectors.joining(", "));
    }

    private static String problemsSuffix(Discovery<?> discovery) {
        return discovery.problems().isEmpty() ? "" : ". Problems: " + String.join("; ", discovery.problems());
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(e.toString());
        Throwable c = e.getCause();
        while (c != null && c != e) {
            sb.append(" caused by ").append(c);
            e = c;
            c = c.getCause();
        }
        return sb.toString();
    }
}
