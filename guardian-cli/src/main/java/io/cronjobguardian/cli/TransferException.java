package io.cronjobguardian.cli;

/**
 * An export, import, copy or operator import that cannot go on: a damaged or unknown input (the message names the
 * line, or the table and column), a store that cannot be opened, or a verification that found differences. What was
 * written before it was thrown is committed and complete (every batch is one transaction); running the same import
 * again goes on from there without duplicating anything.
 */
public class TransferException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TransferException(String message) {
        super(message);
    }

    public TransferException(String message, Throwable cause) {
        super(message, cause);
    }
}
