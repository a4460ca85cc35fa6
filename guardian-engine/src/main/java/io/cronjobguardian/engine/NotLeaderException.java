package io.cronjobguardian.engine;

/**
 * An operation only the leader carries out ({@link Guardian#pruneNow()}, {@link Guardian#deleteHistory}) was asked of
 * a replica that does not lead, leads but has not caught up yet, or was fenced while carrying it out. Nothing was
 * done (or, when fenced midway, the new leader's next pass finishes it); send it to the leader
 * ({@link Guardian#leadership()}).
 */
public final class NotLeaderException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public NotLeaderException(String message) {
        super(message);
    }
}
