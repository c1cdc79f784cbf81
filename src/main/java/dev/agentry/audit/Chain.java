package dev.agentry.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentry.access.Actor;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The journal's hash chain, as anyone can recompute it without Agentry.
 *
 * <p>A record's <em>body</em> is one line of compact JSON with exactly these members, in this order:
 * {@code seq} (integer, 1 for the first record, no gaps), {@code at} (ISO-8601 UTC), {@code type},
 * {@code runId} and {@code agent} (strings or null), {@code actor} ({@code {"type", "id"}}), {@code
 * data} (an object) and {@code prev} (the previous record's hash; 64 zeros for the first). Its hash is
 * the SHA-256 of the body's UTF-8 bytes in lowercase hex. The body is stored and exported byte for
 * byte as it was hashed, so a verifier never re-encodes JSON: an exported line is the body with
 * {@code ,"hash":"<hash>"} inserted before its closing brace, and removing those 75 characters gives
 * the body back.
 */
public final class Chain {

    /** The {@code prev} of the first record. */
    public static final String GENESIS = "0".repeat(64);

    /** Most characters of data one record holds whole; the body column holds 1,000,000. */
    public static final int MAX_DATA = 900_000;

    private static final int PREVIEW = 2_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LINE_END = Pattern.compile(",\"hash\":\"([0-9a-f]{64})\"}$");
    private static final int HASH_MEMBER = ",\"hash\":\"\"".length() + 64;

    private Chain() {}

    /** The body of a record; see the class comment. */
    public static String body(long seq, Instant at, Fact fact, String dataText, String prev) {
        Actor actor = fact.actor();
        StringBuilder body = new StringBuilder(160 + dataText.length());
        body.append("{\"seq\":").append(seq);
        body.append(",\"at\":").append(quote(at.toString()));
        body.append(",\"type\":").append(quote(fact.type().id()));
        body.append(",\"runId\":").append(quote(fact.runId()));
        body.append(",\"agent\":").append(quote(fact.agent()));
        body.append(",\"actor\":{\"type\":")
                .append(quote(actor.type().id()))
                .append(",\"id\":")
                .append(quote(actor.id()))
                .append('}');
        body.append(",\"data\":").append(dataText);
        body.append(",\"prev\":").append(quote(prev)).append('}');
        return body.toString();
    }

    /** Lowercase hex SHA-256 of the body's UTF-8 bytes. */
    public static String hash(String body) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The exported line of a record: its body with its hash as the last member. */
    public static String line(String body, String hash) {
        return body.substring(0, body.length() - 1) + ",\"hash\":\"" + hash + "\"}";
    }

    /** A line split back into the body that was hashed and the hash it claims, if it is a record line. */
    public static Optional<String[]> split(String line) {
        var end = LINE_END.matcher(line);
        if (!end.find() || line.length() < HASH_MEMBER + 2) {
            return Optional.empty();
        }
        String body = line.substring(0, line.length() - HASH_MEMBER - 1) + "}";
        return Optional.of(new String[] {body, end.group(1)});
    }

    /** The record a stored body describes. */
    public static AuditRecord parse(String body, String hash) {
        try {
            JsonNode node = JSON.readTree(body);
            return new AuditRecord(
                    node.path("seq").asLong(),
                    Instant.parse(node.path("at").asText()),
                    RecordType.of(node.path("type").asText()).orElse(null),
                    textOrNull(node.get("runId")),
                    textOrNull(node.get("agent")),
                    node.path("actor").path("type").asText(),
                    node.path("actor").path("id").asText(),
                    node.path("data"),
                    node.path("prev").asText(),
                    hash,
                    body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a journal record: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Compact JSON text of a record's data; data over {@link #MAX_DATA} characters is recorded as
     * {@code {"truncated": true, "chars": N, "preview": "..."}}, as the run store does.
     */
    public static String dataText(JsonNode data) {
        try {
            String text = JSON.writeValueAsString(data);
            if (text.length() <= MAX_DATA) {
                return text;
            }
            return JSON.writeValueAsString(object().put("truncated", true)
                    .put("chars", text.length())
                    .put("preview", text.substring(0, PREVIEW)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a record's data", e);
        }
    }

    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /**
     * {@code text} as a JSON string, exactly as Jackson writes it: as it is between quotes when nothing
     * in it needs escaping (the members of a body almost never do), otherwise by Jackson itself. Jackson
     * escapes only quotes, backslashes and control characters.
     */
    static String quote(String text) {
        if (text == null) {
            return "null";
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                try {
                    return JSON.writeValueAsString(text);
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return '"' + text + '"';
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
