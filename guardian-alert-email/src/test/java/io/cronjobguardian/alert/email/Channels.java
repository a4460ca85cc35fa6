package io.cronjobguardian.alert.email;

import io.cronjobguardian.api.AlertChannel;
import io.cronjobguardian.api.AlertChannelProvider;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Providers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Creates channels the way the engine does: provider found by name, then {@code create(settings, context)}. */
final class Channels {

    private Channels() {
    }

    static AlertChannel create(String type, String name, ProviderContext ctx, String... pairs) {
        AlertChannelProvider p = Providers.byName(AlertChannelProvider.class, type)
                .orElseThrow(() -> new AssertionError("no provider " + type));
        return p.create(Alerts.settings(name, type, pairs), ctx);
    }

    static String[] with(String[] base, String... more) {
        List<String> all = new ArrayList<>(Arrays.asList(base));
        all.addAll(Arrays.asList(more));
        return all.toArray(new String[0]);
    }
}
