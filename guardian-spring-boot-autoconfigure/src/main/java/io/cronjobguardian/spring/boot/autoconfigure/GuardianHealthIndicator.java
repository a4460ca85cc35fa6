package io.cronjobguardian.spring.boot.autoconfigure;

import io.cronjobguardian.engine.Guardian;
import io.cronjobguardian.engine.GuardianHealth;
import io.cronjobguardian.engine.Leadership;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Guardian's health as an actuator component ({@code guardian}): {@code UP} when ready, {@code OUT_OF_SERVICE} when
 * running but not ready (watcher not synced, store unreachable, leader catching up or unable to act),
 * {@code DOWN} when not running (not started yet, closed). Details: {@code live}, {@code ready}, {@code leader},
 * this replica's {@code identity}, the {@code currentLeader} it last saw (when known), the {@code epoch} of its
 * term (while it leads) and the {@code reasons} it is not ready. {@link Guardian#health()} makes one store round
 * trip, so the answer is kept for {@code guardian.health.cache-ttl} (default 1 s; 0 = no caching) of the injected
 * clock.
 */
public final class GuardianHealthIndicator implements HealthIndicator {

    private final Guardian guardian;
    private final Duration ttl;
    private final Clock clock;
    private final Object lock = new Object();
    private Health cached;
    private Instant cachedAt;

    public GuardianHealthIndicator(Guardian guardian, Duration ttl, Clock clock) {
        this.guardian = Objects.requireNonNull(guardian, "guardian");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("guardian.health.cache-ttl must not be negative: " + ttl);
        }
    }

    @Override
    public Health health() {
        synchronized (lock) {
            Instant now = clock.instant();
            if (cached != null && now.isBefore(cachedAt.plus(ttl))) {
                return cached;
            }
            cached = compute();
            cachedAt = now;
            return cached;
        }
    }

    private Health compute() {
        GuardianHealth h = guardian.health();
        Leadership l = guardian.leadership();
        Health.Builder b = !h.live() ? Health.down() : !h.ready() ? Health.outOfService() : Health.up();
        b.withDetail("live", h.live()).withDetail("ready", h.ready()).withDetail("leader", h.leader())
                .withDetail("identity", l.identity());
        l.knownLeader().ifPresent(who -> b.withDetail("currentLeader", who));
        l.currentEpoch().ifPresent(epoch -> b.withDetail("epoch", epoch));
        return b.withDetail("reasons", h.reasons()).build();
    }
}
