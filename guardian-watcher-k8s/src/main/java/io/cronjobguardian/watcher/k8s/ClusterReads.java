package io.cronjobguardian.watcher.k8s;

import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.LogRequest;
import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.api.Termination;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.URLUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * On-demand reads for one Job's failure context: its pods (by the Job-name label, namespace-scoped), the last
 * attempt's termination, a capped log tail and the events of the Job and its pods (by field selector on
 * {@code involvedObject.uid}/{@code name}, never a namespace-wide list). Nothing here is cached or watched.
 */
final class ClusterReads {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterReads.class);
    /** Pods of one Job considered for events (newest first); a Job retries at most backoffLimit+1 times. */
    private static final int MAX_PODS_FOR_EVENTS = 10;
    /** Events fetched per involved object. */
    private static final long EVENTS_PAGE = 250;
    /** The Job controller's event when it creates a pod. */
    private static final Pattern CREATED_POD = Pattern.compile("Created pod: ([a-z0-9]([-a-z0-9.]*[a-z0-9])?)");

    private final KubernetesClient client;
    private final Duration timeout;

    ClusterReads(KubernetesClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    // ------------------------------------------------------------------------------------------------ pods

    /** The Job's pods, newest (last attempt) first; empty when none are left. */
    List<Pod> pods(String namespace, String jobName, String jobUid) {
        List<Pod> pods = client.pods().inNamespace(namespace).withLabel(Mapping.JOB_NAME_LABEL, jobName).list()
                .getItems();
        if (pods == null || pods.isEmpty()) {
            // clusters that some day drop the legacy label
            pods = client.pods().inNamespace(namespace).withLabel(Mapping.BATCH_JOB_NAME_LABEL, jobName).list()
                    .getItems();
        }
        return pods == null ? List.of() : Mapping.podsOfJob(pods, jobUid);
    }

    /** How the Job's last attempt ended, from its newest pod; empty when no pod is left or it shows nothing. */
    Optional<Termination> lastTermination(JobSnapshot job) {
        List<Pod> pods = pods(job.namespace(), job.name(), job.uid());
        return pods.isEmpty() ? Optional.empty() : Optional.ofNullable(Mapping.termination(pods.get(0)));
    }

    // ------------------------------------------------------------------------------------------------ logs

    /**
     * The log tail of the Job's newest pod: the chosen (or first) container, preceded by the init containers when
     * asked. Each container's log is read with {@code tailLines} and {@code limitBytes} and into a ring buffer of
     * {@code maxBytes}, so memory stays bounded; the joined text is capped again to the request.
     */
    Optional<String> logTail(JobSnapshot job, LogRequest request) {
        List<Pod> pods = pods(job.namespace(), job.name(), job.uid());
        if (pods.isEmpty()) {
            return Optional.empty();
        }
        Pod pod = pods.get(0);
        String podName = pod.getMetadata().getName();
        List<String[]> containers = new ArrayList<>(); // {name, label}
        if (request.includeInitContainers() && pod.getSpec() != null && pod.getSpec().getInitContainers() != null) {
            for (Container c : pod.getSpec().getInitContainers()) {
                if (c != null && c.getName() != null) {
                    containers.add(new String[] {c.getName(), "init container " + c.getName()});
                }
            }
        }
        String main = request.container();
        if (main == null && pod.getSpec() != null && pod.getSpec().getContainers() != null
                && !pod.getSpec().getContainers().isEmpty()) {
            main = pod.getSpec().getContainers().get(0).getName();
        }
        if (main != null) {
            containers.add(new String[] {main, "container " + main});
        }
        List<String[]> parts = new ArrayList<>(); // {label, text}
        for (String[] c : containers) {
            Optional<String> text = containerTail(job.namespace(), podName, c[0], request.maxLines(),
                    request.maxBytes());
            text.filter(t -> !t.isEmpty()).ifPresent(t -> parts.add(new String[] {c[1], t}));
        }
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        if (parts.size() == 1) {
            return Optional.of(parts.get(0)[1]);
        }
        StringBuilder sb = new StringBuilder();
        List<Integer> starts = new ArrayList<>();
        List<String> headers = new ArrayList<>();
        for (String[] p : parts) {
            starts.add(sb.length());
            String header = "==> " + p[0] + " <==\n";
            headers.add(header);
            sb.append(header).append(p[1]);
            if (!p[1].endsWith("\n")) {
                sb.append('\n');
            }
        }
        String joined = sb.toString();
        String capped = LogTail.text(joined, request.maxLines(), request.maxBytes());
        if (capped.startsWith("==> ") || request.maxLines() < 2) {
            return Optional.of(capped);
        }
        // the cut fell inside a section: keep that section's header in front, within the same caps
        String header = headers.get(sectionAt(starts, joined.length() - capped.length()));
        int headerBytes = header.getBytes(StandardCharsets.UTF_8).length;
        if (headerBytes >= request.maxBytes()) {
            return Optional.of(capped);
        }
        String body = LogTail.text(joined, request.maxLines() - 1, request.maxBytes() - headerBytes);
        if (body.startsWith("==> ")) {
            return Optional.of(body);
        }
        String labelled = headers.get(sectionAt(starts, joined.length() - body.length())) + body;
        // headers differ in length: never exceed the caps because of one
        boolean fits = labelled.getBytes(StandardCharsets.UTF_8).length <= request.maxBytes()
                && LogTail.text(labelled, request.maxLines(), request.maxBytes()).length() == labelled.length();
        return Optional.of(fits ? labelled : capped);
    }

    private static int sectionAt(List<Integer> starts, int offset) {
        int i = 0;
        while (i + 1 < starts.size() && starts.get(i + 1) <= offset) {
            i++;
        }
        return i;
    }

    /**
     * One container's tail. The API server's {@code limitBytes} keeps the <em>head</em> of what it sends, so it is
     * only a safety net (at least 4x the wanted bytes, 1 to 32 MiB); the tail is kept by the ring buffer. When the
     * net was hit, the lines were too long for the window and the read is repeated with fewer lines.
     */
    Optional<String> containerTail(String namespace, String pod, String container, int maxLines, int maxBytes) {
        long limit = Math.min(32L << 20, Math.max(1L << 20, 4L * maxBytes));
        LogTail.Read read = readLog(namespace, pod, container, maxLines, (int) limit, maxBytes);
        if (read == null) {
            return Optional.empty();
        }
        if (read.hitLimit() && maxLines > 1) {
            int fewer = (int) Math.max(1, Math.min(maxLines / 2, read.newlines() / 2));
            LogTail.Read again = readLog(namespace, pod, container, fewer, (int) limit, maxBytes);
            if (again != null) {
                read = again;
            }
        }
        return Optional.of(LogTail.text(read.tail(), maxLines, maxBytes));
    }

    private @Nullable LogTail.Read readLog(String namespace, String pod, String container, int tailLines,
            int limitBytes, int keepBytes) {
        String url = URLUtils.join(client.getMasterUrl().toString(), "api", "v1", "namespaces", namespace, "pods",
                pod, "log") + "?container=" + enc(container) + "&tailLines=" + tailLines + "&limitBytes=" + limitBytes;
        HttpClient http = client.getHttpClient();
        HttpRequest req = http.newHttpRequestBuilder().uri(url).timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .build();
        HttpResponse<InputStream> resp;
        try {
            resp = http.sendAsync(req, InputStream.class).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("reading the log of {}/{} container {} failed: {}", namespace, pod, container, e.toString());
            return null;
        }
        try (InputStream in = resp.body()) {
            if (!resp.isSuccessful()) {
                // 404: pod gone; 400: container unknown or not started yet
                LOG.debug("log of {}/{} container {}: HTTP {}", namespace, pod, container, resp.code());
                return null;
            }
            if (in == null) {
                return null;
            }
            return LogTail.read(in, keepBytes, limitBytes, limitBytes);
        } catch (IOException e) {
            LOG.warn("reading the log of {}/{} container {} failed: {}", namespace, pod, container, e.toString());
            return null;
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------------------------------------ events

    /**
     * Events of the Job and its pods, oldest first, the newest {@code max} kept, each {@code "Reason: message"}.
     * Pods still present are asked for by UID; pods already gone by the names the Job's own
     * {@code SuccessfulCreate} events mention.
     */
    List<String> events(JobSnapshot job, int max) {
        if (max <= 0) {
            return List.of();
        }
        Map<String, Event> byUid = new LinkedHashMap<>();
        List<Event> jobEvents = eventsFor(job.namespace(), "involvedObject.uid", job.uid());
        jobEvents.stream().filter(e -> involves(e, "Job", job.name(), job.uid())).forEach(e -> put(byUid, e));
        List<Pod> pods;
        try {
            pods = pods(job.namespace(), job.name(), job.uid());
        } catch (KubernetesClientException e) {
            LOG.warn("listing the pods of Job {}/{} failed: {}", job.namespace(), job.name(), e.getMessage());
            pods = List.of();
        }
        Set<String> seenPodNames = new LinkedHashSet<>();
        for (Pod p : pods.subList(0, Math.min(pods.size(), MAX_PODS_FOR_EVENTS))) {
            String uid = p.getMetadata().getUid();
            String name = p.getMetadata().getName();
            seenPodNames.add(name);
            if (uid != null) {
                eventsFor(job.namespace(), "involvedObject.uid", uid).stream()
                        .filter(e -> involves(e, "Pod", name, uid)).forEach(e -> put(byUid, e));
            }
        }
        // pods that are gone: their names from the Job's SuccessfulCreate events
        List<String> gone = new ArrayList<>();
        for (Event e : jobEvents) {
            Matcher m = CREATED_POD.matcher(e.getMessage() == null ? "" : e.getMessage());
            if (m.find() && !seenPodNames.contains(m.group(1)) && !gone.contains(m.group(1))) {
                gone.add(m.group(1));
            }
        }
        for (String name : gone.subList(Math.max(0, gone.size() - MAX_PODS_FOR_EVENTS), gone.size())) {
            eventsFor(job.namespace(), "involvedObject.name", name).stream()
                    .filter(e -> involves(e, "Pod", name, null)).forEach(e -> put(byUid, e));
        }
        List<Event> all = new ArrayList<>(byUid.values());
        all.sort(Comparator.comparing(ClusterReads::when).thenComparing(e -> nn(e.getMetadata().getName())));
        List<Event> newest = all.subList(Math.max(0, all.size() - max), all.size());
        List<String> out = new ArrayList<>(newest.size());
        for (Event e : newest) {
            String reason = nn(e.getReason()).trim();
            String message = nn(e.getMessage()).trim();
            out.add(message.isEmpty() ? reason : reason + ": " + message);
        }
        return out;
    }

    private List<Event> eventsFor(String namespace, String field, String value) {
        try {
            List<Event> items = client.v1().events().inNamespace(namespace).withField(field, value)
                    .list(new ListOptionsBuilder().withLimit(EVENTS_PAGE).build()).getItems();
            return items == null ? List.of() : items;
        } catch (KubernetesClientException e) {
            LOG.warn("listing events of {} {}={} failed: {}", namespace, field, value, e.getMessage());
            return List.of();
        }
    }

    private static boolean involves(Event e, String kind, String name, @Nullable String uid) {
        ObjectReference o = e.getInvolvedObject();
        if (o == null || e.getMetadata() == null) {
            return false;
        }
        if (uid != null && o.getUid() != null) {
            return uid.equals(o.getUid());
        }
        return kind.equals(o.getKind()) && name.equals(o.getName());
    }

    private static void put(Map<String, Event> byUid, Event e) {
        String key = e.getMetadata().getUid() != null ? e.getMetadata().getUid()
                : e.getMetadata().getNamespace() + "/" + e.getMetadata().getName();
        byUid.putIfAbsent(key, e);
    }

    /** When the event (last) happened: series last observation, last timestamp, event time, first timestamp, creation. */
    static Instant when(Event e) {
        Instant t = null;
        if (e.getSeries() != null && e.getSeries().getLastObservedTime() != null) {
            t = Mapping.parseTime(e.getSeries().getLastObservedTime().getTime());
        }
        if (t == null) {
            t = Mapping.parseTime(e.getLastTimestamp());
        }
        if (t == null && e.getEventTime() != null) {
            t = Mapping.parseTime(e.getEventTime().getTime());
        }
        if (t == null) {
            t = Mapping.parseTime(e.getFirstTimestamp());
        }
        if (t == null && e.getMetadata() != null) {
            t = Mapping.parseTime(e.getMetadata().getCreationTimestamp());
        }
        return t == null ? Instant.MIN : t;
    }

    private static String nn(@Nullable String s) {
        return s == null ? "" : s;
    }
}
