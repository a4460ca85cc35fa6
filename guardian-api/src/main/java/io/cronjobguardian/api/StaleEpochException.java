package io.cronjobguardian.api;

/**
 * A write carried a leader epoch older than the highest the store has seen: another replica has become leader
 * since. Nothing of the write was applied. The caller must stop acting as leader.
 */
public class StaleEpochException extends GuardianException {
    private static final long serialVersionUID = 1L;

    private final long epoch;
    private final long highestEpoch;

    /**
     * @param epoch        the epoch the rejected write carried
     * @param highestEpoch the highest epoch the store has seen
     */
    public StaleEpochException(long epoch, long highestEpoch) {
        super("write rejected: leader epoch " + epoch + " is older than epoch " + highestEpoch
                + " already seen by the store; another replica leads now");
        this.epoch = epoch;
        this.highestEpoch = highestEpoch;
    }

    /** The epoch the rejected write carried. */
    public long epoch() {
        return epoch;
    }

    /** The highest epoch the store had seen. */
    public long highestEpoch() {
        return highestEpoch;
    }
}
