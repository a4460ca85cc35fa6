package io.cronjobguardian.cli;

/** Where a long transfer reports how far it got. Called on the transferring thread. */
public interface Progress {

    /** Reports nothing. */
    Progress NONE = new Progress() {
        @Override
        public void update(String what, long done, long total) {
        }

        @Override
        public void finish() {
        }
    };

    /**
     * @param what  what is being moved ({@code runs}, {@code incidents}, ...)
     * @param done  how many so far
     * @param total how many in all, or {@code -1} when not known
     */
    void update(String what, long done, long total);

    /** The transfer ended (normally or not). */
    void finish();
}
