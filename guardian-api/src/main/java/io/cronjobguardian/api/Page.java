package io.cronjobguardian.api;

import java.util.List;

/**
 * One page of a query result.
 *
 * @param items  the items of this page, in the query's order
 * @param total  how many items match the query in all
 * @param offset the offset this page starts at
 * @param limit  the page size that was asked for
 * @param <T>    item type
 */
public record Page<T>(List<T> items, long total, int offset, int limit) {

    public Page {
        items = Checks.list(items, "items");
        Checks.nonNegative(total, "total");
        Checks.nonNegative(offset, "offset");
        Checks.nonNegative(limit, "limit");
    }

    /** {@code true} when items exist after this page. */
    public boolean hasMore() {
        return (long) offset + items.size() < total;
    }
}
