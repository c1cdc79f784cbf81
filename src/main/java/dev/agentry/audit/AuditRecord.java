package dev.agentry.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A record as the journal holds it. {@code body} is the exact text that was hashed: the record as
 * one line of compact JSON with the members {@code seq, at, type, runId, agent, actor, data, prev} in
 * that order; {@code hash} is the SHA-256 of its UTF-8 bytes, in lowercase hex. See {@link Chain}.
 */
public record AuditRecord(
        long seq,
        Instant at,
        RecordType type,
        String runId,
        String agent,
        String actorType,
        String actorId,
        JsonNode data,
        String prev,
        String hash,
        String body) {}
