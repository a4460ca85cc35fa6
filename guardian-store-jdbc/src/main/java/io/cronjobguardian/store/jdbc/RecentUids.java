package io.cronjobguardian.store.jdbc;

import java.util.Collection;

/**
 * A hint, not a record: whether this store wrote a Job UID lately. Upserts on MySQL and MariaDB insert a batch none
 * of whose UIDs it names as new, optimistically (a batch that does hold a stored UID is rolled back to a savepoint
 * and read first); a batch that updates runs this store recorded (a Job that finished after it was recorded
 * running) is read first straight away.
 *
 * <p>A fixed table of 65,536 hash fingerprints (256 KB), one per slot, a newer UID taking the slot of an older one:
 * a false "yes" (two UIDs sharing a fingerprint) only costs the read, a false "no" (a UID pushed out, or written by
 * another replica) only the rolled-back insert. Not synchronised: a lost update is one more wrong hint.
 */
final class RecentUids {

    private static final int SLOTS = 1 << 16;

    private final int[] fingerprints = new int[SLOTS];

    /** Whether any of the UIDs was written lately (may be wrong either way). */
    boolean containsAny(Collection<String> uids) {
        for (String uid : uids) {
            int h = fingerprint(uid);
            if (fingerprints[h & (SLOTS - 1)] == h) {
                return true;
            }
        }
        return false;
    }

    void addAll(Collection<String> uids) {
        for (String uid : uids) {
            int h = fingerprint(uid);
            fingerprints[h & (SLOTS - 1)] = h;
        }
    }

    private static int fingerprint(String uid) {
        int h = uid.hashCode() * 0x9E3779B9; // spread the low bits that pick the slot
        h ^= h >>> 16;
        return h == 0 ? 1 : h; // 0 marks an empty slot
    }
}
