package dev.agentry.audit;

/**
 * What verifying (part of) the journal found.
 *
 * @param records how many records were checked
 * @param checkpoints how many checkpoints were checked
 * @param firstBad the first problem, or null when there is none
 */
public record Verification(boolean ok, long records, long checkpoints, Problem firstBad) {

    /** Where the chain first breaks: the record (or checkpoint) and why. */
    public record Problem(long seq, String reason) {}
}
