package dev.agentry.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.PublicKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks an exported stretch of the journal line by line, trusting nothing but the public key: each
 * record's hash is its body's, each {@code prev} is the hash before it, sequence numbers have no gaps,
 * and each checkpoint is signed by the key and names a record whose hash it matches. A checkpoint past
 * the last record shows the tail was cut off. Feed lines in export order, then call {@link #finish()}.
 */
public final class ChainVerifier {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PublicKey publicKey;
    private final Map<Long, Checkpoint> external = new HashMap<>();
    private long records;
    private long checkpoints;
    private long lastSeq = -1;
    private String lastHash;
    private long firstSeq = -1;
    private Verification.Problem problem;

    /**
     * @param publicKey the key checkpoints must be signed with
     * @param kept checkpoints kept outside the export (a copy outside the database); each one inside
     *     the exported range must match, and one past its end shows truncation
     */
    public ChainVerifier(PublicKey publicKey, List<Checkpoint> kept) {
        this.publicKey = publicKey;
        for (Checkpoint checkpoint : kept) {
            external.put(checkpoint.seq(), checkpoint);
        }
    }

    /** Checks one exported line; after the first problem, further lines are not looked at. */
    public void accept(String line) {
        if (problem != null || line.isBlank()) {
            return;
        }
        if (line.startsWith("{\"checkpoint\":")) {
            checkpoint(line);
            return;
        }
        Optional<String[]> split = Chain.split(line);
        if (split.isEmpty()) {
            fail(lastSeq + 1, "the line is neither a record nor a checkpoint");
            return;
        }
        String body = split.get()[0];
        String claimed = split.get()[1];
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            fail(lastSeq + 1, "the record is not valid JSON");
            return;
        }
        long seq = node.path("seq").asLong(-1);
        if (!Chain.hash(body).equals(claimed)) {
            fail(seq, "the record's hash does not match its content (it was edited)");
            return;
        }
        String prev = node.path("prev").asText();
        if (lastSeq < 0) {
            firstSeq = seq;
            if (seq == 1 && !prev.equals(Chain.GENESIS)) {
                fail(seq, "the first record's prev is not the genesis value");
                return;
            }
        } else if (seq != lastSeq + 1) {
            fail(
                    lastSeq + 1,
                    "record " + (lastSeq + 1) + " is missing: record " + lastSeq + " is followed by " + seq
                            + " (deleted or reordered)");
            return;
        } else if (!prev.equals(lastHash)) {
            fail(seq, "the record's prev is not the hash of record " + lastSeq + " (a record before it was replaced)");
            return;
        }
        Checkpoint kept = external.get(seq);
        if (kept != null && !kept.hash().equals(claimed)) {
            fail(seq, "the record's hash is not the one a kept checkpoint signed");
            return;
        }
        records++;
        lastSeq = seq;
        lastHash = claimed;
    }

    private void checkpoint(String line) {
        Checkpoint checkpoint;
        try {
            checkpoint = Checkpoint.of(JSON.readTree(line));
        } catch (JsonProcessingException | RuntimeException e) {
            fail(lastSeq + 1, "a checkpoint line cannot be read");
            return;
        }
        if (!SigningKey.verifies(publicKey, checkpoint.messageBytes(), checkpoint.signature())) {
            fail(
                    checkpoint.seq(),
                    "the checkpoint at record " + checkpoint.seq()
                            + " is not signed by the public key (forged or re-signed)");
            return;
        }
        if (checkpoint.seq() != lastSeq) {
            fail(
                    checkpoint.seq(),
                    checkpoint.seq() > lastSeq
                            ? "the checkpoint at record " + checkpoint.seq()
                                    + " names a record the export lacks (truncated)"
                            : "the checkpoint at record " + checkpoint.seq() + " is out of order");
            return;
        }
        if (!checkpoint.hash().equals(lastHash)) {
            fail(checkpoint.seq(), "record " + checkpoint.seq() + " does not have the hash its checkpoint signed");
            return;
        }
        checkpoints++;
    }

    /** The verdict over every line accepted. */
    public Verification finish() {
        if (problem == null) {
            for (Checkpoint kept : external.values()) {
                if (firstSeq >= 0 && kept.seq() > lastSeq) {
                    if (!SigningKey.verifies(publicKey, kept.messageBytes(), kept.signature())) {
                        fail(
                                kept.seq(),
                                "a kept checkpoint at record " + kept.seq() + " is not signed by the public key");
                    } else {
                        fail(
                                lastSeq + 1,
                                "a kept checkpoint names record " + kept.seq() + " but the export ends at " + lastSeq
                                        + " (truncated)");
                    }
                    break;
                }
            }
        }
        return new Verification(problem == null, records, checkpoints, problem);
    }

    private void fail(long seq, String reason) {
        problem = new Verification.Problem(seq, reason);
    }
}
