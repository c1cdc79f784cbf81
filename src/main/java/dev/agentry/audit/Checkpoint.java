package dev.agentry.audit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A signed statement that the journal's record {@code seq} had hash {@code hash} at time {@code at}.
 * The signature is Ed25519 over the UTF-8 bytes of {@link #message()}, base64-encoded. A checkpoint
 * pins everything up to its record: an edit, deletion or truncation before it no longer matches.
 */
public record Checkpoint(long seq, String hash, Instant at, String signature) {

    public Checkpoint {
        requireNonNull(hash, "hash");
        requireNonNull(at, "at");
        requireNonNull(signature, "signature");
    }

    /** What is signed: {@code agentry-audit-checkpoint/1}, seq, hash and time, one per line. */
    public String message() {
        return message(seq, hash, at);
    }

    static String message(long seq, String hash, Instant at) {
        return "agentry-audit-checkpoint/1\n" + seq + "\n" + hash + "\n" + at;
    }

    byte[] messageBytes() {
        return message().getBytes(StandardCharsets.UTF_8);
    }

    /** The exported line: {@code {"checkpoint":{"seq","hash","at","signature"}}}. */
    public String line() {
        return "{\"checkpoint\":{\"seq\":" + seq + ",\"hash\":\"" + hash + "\",\"at\":\"" + at + "\",\"signature\":\""
                + signature + "\"}}";
    }

    /** The checkpoint an exported line holds. */
    static Checkpoint of(JsonNode line) {
        JsonNode checkpoint = line.path("checkpoint");
        return new Checkpoint(
                checkpoint.path("seq").asLong(),
                checkpoint.path("hash").asText(),
                Instant.parse(checkpoint.path("at").asText()),
                checkpoint.path("signature").asText());
    }
}
