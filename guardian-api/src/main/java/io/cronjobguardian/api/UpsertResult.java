package io.cronjobguardian.api;

/** What {@link HistoryStore#upsertExecution} did. */
public enum UpsertResult {
    /** The Job UID was new: a row was inserted. */
    INSERTED,
    /** The stored row changed (e.g. RUNNING became SUCCEEDED, or details were added). */
    UPDATED,
    /** The stored row already said the same, or said more (a terminal state is never overwritten by RUNNING). */
    UNCHANGED
}
