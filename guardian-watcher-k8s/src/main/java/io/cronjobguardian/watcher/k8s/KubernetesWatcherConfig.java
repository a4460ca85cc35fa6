package io.cronjobguardian.watcher.k8s;

import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.api.Settings;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validated configuration of a {@link KubernetesCronJobWatcher}, read from {@link Settings}. Every key is optional;
 * see the module README for the full table.
 *
 * <ul>
 *   <li>{@value #NAMESPACES}: comma-separated namespaces to watch; unset or blank = every namespace.</li>
 *   <li>{@value #NAMESPACE_SELECTOR}: a label selector on namespaces ({@code team=payments,env!=dev}); the watcher
 *       then also watches Namespaces and follows label changes. Cannot be combined with {@value #NAMESPACES}.</li>
 *   <li>{@value #IGNORED_NAMESPACES}: comma-separated namespaces never watched (wins over the other two).</li>
 *   <li>{@value #WATCH_NAMESPACES}: cache namespace labels for {@code namespaceLabels()} even without a selector
 *       (default {@code false}; always on with a selector).</li>
 *   <li>{@value #RESYNC_PERIOD}: informer resync; every object is delivered again as UPDATED this often
 *       (default {@code 0} = off; otherwise 1m to 24h).</li>
 *   <li>{@value #KUBECONFIG} / {@value #CONTEXT}: how to build a client when the host supplies none (default: the
 *       standard fabric8 auto-configuration: {@code KUBECONFIG}, {@code ~/.kube/config}, or in-cluster).</li>
 *   <li>{@value #FAILURE_CONTEXT}: read the pods of a failed Job to fill {@code lastTermination} (default
 *       {@code true}).</li>
 *   <li>{@value #REQUEST_TIMEOUT}: timeout of each pod, log and event read (default 30s, 1s to 5m).</li>
 *   <li>{@value #LIST_PAGE_SIZE}: objects per page when the informers list CronJobs and Jobs (default 500;
 *       {@code 0} = one unpaged list, which needs the whole list in memory at once).</li>
 * </ul>
 */
public final class KubernetesWatcherConfig {

    /** Comma-separated namespaces to watch; unset = all. */
    public static final String NAMESPACES = "watcher.namespaces";
    /** Label selector on namespaces. */
    public static final String NAMESPACE_SELECTOR = "watcher.namespaceSelector";
    /** Comma-separated namespaces never watched. */
    public static final String IGNORED_NAMESPACES = "watcher.ignoredNamespaces";
    /** Cache namespace labels even without a selector. */
    public static final String WATCH_NAMESPACES = "watcher.watchNamespaces";
    /** Informer resync period; 0 = off. */
    public static final String RESYNC_PERIOD = "watcher.resyncPeriod";
    /** Path of a kubeconfig file, used when the host supplies no client. */
    public static final String KUBECONFIG = "watcher.kubeconfig";
    /** Context in the kubeconfig, used when the host supplies no client. */
    public static final String CONTEXT = "watcher.context";
    /** Read pods of failed Jobs for their termination. */
    public static final String FAILURE_CONTEXT = "watcher.failureContext";
    /** Timeout of each pod, log or event read. */
    public static final String REQUEST_TIMEOUT = "watcher.requestTimeout";
    /** Objects per page of the informers' lists; 0 = one unpaged list. */
    public static final String LIST_PAGE_SIZE = "watcher.listPageSize";
    /** Default of {@value #LIST_PAGE_SIZE}. */
    public static final int DEFAULT_LIST_PAGE_SIZE = 500;

    static final Duration MIN_RESYNC = Duration.ofMinutes(1);
    static final Duration MAX_RESYNC = Duration.ofHours(24);
    private static final Pattern NAMESPACE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private final Set<String> namespaces;
    private final @Nullable LabelSelector namespaceSelector;
    private final Set<String> ignoredNamespaces;
    private final boolean watchNamespaces;
    private final Duration resyncPeriod;
    private final @Nullable Path kubeconfig;
    private final @Nullable String context;
    private final boolean failureContext;
    private final Duration requestTimeout;
    private final int listPageSize;
    private final boolean slimItemStore;

    private KubernetesWatcherConfig(Set<String> namespaces, @Nullable LabelSelector namespaceSelector,
            Set<String> ignoredNamespaces, boolean watchNamespaces, Duration resyncPeriod, @Nullable Path kubeconfig,
            @Nullable String context, boolean failureContext, Duration requestTimeout, int listPageSize,
            boolean slimItemStore) {
        this.namespaces = namespaces;
        this.namespaceSelector = namespaceSelector;
        this.ignoredNamespaces = ignoredNamespaces;
        this.watchNamespaces = watchNamespaces;
        this.resyncPeriod = resyncPeriod;
        this.kubeconfig = kubeconfig;
        this.context = context;
        this.failureContext = failureContext;
        this.requestTimeout = requestTimeout;
        this.listPageSize = listPageSize;
        this.slimItemStore = slimItemStore;
    }

    /** The defaults: every namespace, no resync, auto-configured client. */
    public static KubernetesWatcherConfig defaults() {
        return from(Settings.empty());
    }

    /**
     * Reads and validates the {@code watcher.*} keys. Does not connect anywhere; only checks that a configured
     * kubeconfig file exists.
     *
     * @throws ConfigException naming the key, the value and what is accepted
     */
    public static KubernetesWatcherConfig from(Settings settings) {
        Objects.requireNonNull(settings, "settings");
        Set<String> namespaces = namespaceList(settings, NAMESPACES);
        Set<String> ignored = namespaceList(settings, IGNORED_NAMESPACES);
        String selectorText = settings.getString(NAMESPACE_SELECTOR, null);
        LabelSelector selector = null;
        if (selectorText != null) {
            if (!namespaces.isEmpty()) {
                throw new ConfigException(NAMESPACE_SELECTOR, "cannot be combined with " + NAMESPACES
                        + "; set one of them (or neither, for every namespace)");
            }
            try {
                selector = LabelSelector.parse(selectorText);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(NAMESPACE_SELECTOR, "\"" + selectorText + "\" is not a label selector ("
                        + e.getMessage() + "); accepted: requirements like team=payments, env!=dev, "
                        + "tier in (a,b), tier notin (c), monitored, !legacy, separated by commas");
            }
        }
        Set<String> effective = new LinkedHashSet<>(namespaces);
        effective.removeAll(ignored);
        if (!namespaces.isEmpty() && effective.isEmpty()) {
            throw new ConfigException(IGNORED_NAMESPACES, "ignores every namespace listed in " + NAMESPACES
                    + "; nothing would be watched");
        }
        Duration resync = settings.getDuration(RESYNC_PERIOD, Duration.ZERO, Duration.ZERO, MAX_RESYNC);
        if (!resync.isZero() && resync.compareTo(MIN_RESYNC) < 0) {
            throw new ConfigException(RESYNC_PERIOD, Settings.format(resync) + " is out of range; accepted: 0 (off)"
                    + " or " + Settings.format(MIN_RESYNC) + " to " + Settings.format(MAX_RESYNC));
        }
        Path kubeconfig = null;
        String kubeconfigText = settings.getString(KUBECONFIG, null);
        if (kubeconfigText != null) {
            try {
                kubeconfig = Path.of(kubeconfigText);
            } catch (InvalidPathException e) {
                throw new ConfigException(KUBECONFIG, "\"" + kubeconfigText + "\" is not a valid path");
            }
            if (!Files.isRegularFile(kubeconfig)) {
                throw new ConfigException(KUBECONFIG, "\"" + kubeconfigText + "\" is not a readable file;"
                        + " accepted: the path of a kubeconfig file");
            }
        }
        return new KubernetesWatcherConfig(
                Collections.unmodifiableSet(effective),
                selector,
                Collections.unmodifiableSet(ignored),
                settings.getBoolean(WATCH_NAMESPACES, false) || selector != null,
                resync,
                kubeconfig,
                settings.getString(CONTEXT, null),
                settings.getBoolean(FAILURE_CONTEXT, true),
                settings.getDuration(REQUEST_TIMEOUT, Duration.ofSeconds(30), Duration.ofSeconds(1),
                        Duration.ofMinutes(5)),
                settings.getInt(LIST_PAGE_SIZE, DEFAULT_LIST_PAGE_SIZE, 0, 100_000),
                true);
    }

    private static Set<String> namespaceList(Settings settings, String key) {
        Set<String> out = new LinkedHashSet<>();
        String v = settings.getString(key, null);
        if (v == null) {
            return out;
        }
        for (String part : v.split(",")) {
            String ns = part.trim();
            if (ns.isEmpty()) {
                continue;
            }
            if (ns.length() > 63 || !NAMESPACE_NAME.matcher(ns).matches()) {
                throw new ConfigException(key, "\"" + ns + "\" is not a namespace name; accepted: comma-separated"
                        + " DNS labels (lower-case letters, digits and '-', at most 63 characters)");
            }
            out.add(ns);
        }
        return out;
    }

    /** The namespaces to watch (ignored ones removed); empty = every namespace (or the selector's). */
    public Set<String> namespaces() {
        return namespaces;
    }

    /** The namespace label selector as written, or {@code null}. */
    public @Nullable String namespaceSelector() {
        return namespaceSelector == null ? null : namespaceSelector.toString();
    }

    @Nullable LabelSelector parsedNamespaceSelector() {
        return namespaceSelector;
    }

    /** Namespaces never watched. */
    public Set<String> ignoredNamespaces() {
        return ignoredNamespaces;
    }

    /** Whether namespace labels are cached (always with a selector). */
    public boolean watchNamespaces() {
        return watchNamespaces;
    }

    /** Informer resync period; zero = off. */
    public Duration resyncPeriod() {
        return resyncPeriod;
    }

    /** The kubeconfig file for a client the watcher builds itself, or {@code null} for auto-configuration. */
    public @Nullable Path kubeconfig() {
        return kubeconfig;
    }

    /** The kubeconfig context, or {@code null} for the current one. */
    public @Nullable String context() {
        return context;
    }

    /** Whether failed Jobs' pods are read for {@code lastTermination}. */
    public boolean failureContext() {
        return failureContext;
    }

    /** Timeout of each pod, log or event read. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** A copy with another resync period, unvalidated (tests use periods below the 1m minimum). */
    KubernetesWatcherConfig withResyncPeriod(Duration period) {
        return new KubernetesWatcherConfig(namespaces, namespaceSelector, ignoredNamespaces, watchNamespaces, period,
                kubeconfig, context, failureContext, requestTimeout, listPageSize, slimItemStore);
    }

    /** Objects per page of the informers' lists; 0 = one unpaged list. */
    public int listPageSize() {
        return listPageSize;
    }

    /**
     * Whether the informers keep slim copies of CronJobs and Jobs (without {@code managedFields}, the
     * {@code kubectl.kubernetes.io/last-applied-configuration} annotation and the pod template) instead of whole
     * objects. Always {@code true} for a configuration read from settings.
     */
    public boolean slimItemStore() {
        return slimItemStore;
    }

    /**
     * A copy that keeps whole objects in the informers' stores when {@code slim} is {@code false} (fabric8's default
     * store). Not a setting: the slim store answers exactly the same; this exists to measure what it saves (the
     * watcher benchmark's baseline).
     */
    public KubernetesWatcherConfig withSlimItemStore(boolean slim) {
        return new KubernetesWatcherConfig(namespaces, namespaceSelector, ignoredNamespaces, watchNamespaces,
                resyncPeriod, kubeconfig, context, failureContext, requestTimeout, listPageSize, slim);
    }

    /** Whether a namespace is in scope by the static rules (list and ignore list; the selector is dynamic). */
    boolean staticallyInScope(String namespace) {
        if (ignoredNamespaces.contains(namespace)) {
            return false;
        }
        return namespaces.isEmpty() || namespaces.contains(namespace);
    }

    @Override
    public String toString() {
        return "KubernetesWatcherConfig{namespaces=" + (namespaces.isEmpty() ? "*" : namespaces)
                + (namespaceSelector != null ? ", namespaceSelector=" + namespaceSelector : "")
                + (ignoredNamespaces.isEmpty() ? "" : ", ignoredNamespaces=" + ignoredNamespaces)
                + ", watchNamespaces=" + watchNamespaces + ", resyncPeriod=" + Settings.format(resyncPeriod)
                + (kubeconfig != null ? ", kubeconfig=" + kubeconfig : "")
                + (context != null ? ", context=" + context : "")
                + ", failureContext=" + failureContext + ", requestTimeout=" + Settings.format(requestTimeout)
                + ", listPageSize=" + listPageSize + (slimItemStore ? "" : ", slimItemStore=false") + '}';
    }
}
