package io.cronjobguardian.spring.boot.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;
import org.springframework.core.Ordered;

/**
 * Keeps the {@code guardian} component out of the {@code liveness} group always (a restart does not cure a
 * database outage), and adds it to the {@code readiness} group only when {@code guardian.health.readiness=true}: a
 * Guardian outage must not take the host's other traffic out of service unless the host asks for it. Groups the
 * host configured explicitly are changed the same way.
 */
final class GuardianHealthGroups implements HealthEndpointGroupsPostProcessor, Ordered {

    static final String LIVENESS = "liveness";
    static final String READINESS = "readiness";

    private final String name;
    private final boolean readiness;

    GuardianHealthGroups(String name, boolean readiness) {
        this.name = name;
        this.readiness = readiness;
    }

    @Override
    public HealthEndpointGroups postProcessHealthEndpointGroups(HealthEndpointGroups groups) {
        Map<String, HealthEndpointGroup> out = new LinkedHashMap<>();
        for (String g : groups.getNames()) {
            HealthEndpointGroup group = groups.get(g);
            if (g.equals(LIVENESS)) {
                group = new Membership(group, false);
            } else if (g.equals(READINESS)) {
                group = new Membership(group, readiness);
            }
            out.put(g, group);
        }
        return HealthEndpointGroups.of(groups.getPrimary(), out);
    }

    @Override
    public int getOrder() {
        // Boot's post-processor that adds the liveness and readiness groups has this order too; ours runs after it
        // because GuardianHealthAutoConfiguration is ordered after AvailabilityProbesAutoConfiguration
        return Ordered.LOWEST_PRECEDENCE;
    }

    /** A group with the guardian component forced in or out. */
    private final class Membership implements HealthEndpointGroup {
        private final HealthEndpointGroup delegate;
        private final boolean member;

        Membership(HealthEndpointGroup delegate, boolean member) {
            this.delegate = delegate;
            this.member = member;
        }

        @Override
        public boolean isMember(String contributor) {
            if (contributor.equals(name)) {
                return member;
            }
            return delegate.isMember(contributor);
        }

        @Override
        public boolean showComponents(SecurityContext securityContext) {
            return delegate.showComponents(securityContext);
        }

        @Override
        public boolean showDetails(SecurityContext securityContext) {
            return delegate.showDetails(securityContext);
        }

        @Override
        public StatusAggregator getStatusAggregator() {
            return delegate.getStatusAggregator();
        }

        @Override
        public HttpCodeStatusMapper getHttpCodeStatusMapper() {
            return delegate.getHttpCodeStatusMapper();
        }

        @Override
        public AdditionalHealthEndpointPath getAdditionalPath() {
            return delegate.getAdditionalPath();
        }
    }
}
