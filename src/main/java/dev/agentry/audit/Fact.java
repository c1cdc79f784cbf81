package dev.agentry.audit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.agentry.access.Actor;

/**
 * One fact to append to the journal: what happened, to which run and agent (null when it concerns
 * none), who did it, and its details. The journal stamps it with its time, sequence number and hashes.
 */
public record Fact(RecordType type, String runId, String agent, Actor actor, JsonNode data) {

    public Fact {
        requireNonNull(type, "type");
        requireNonNull(actor, "actor");
        data = data == null ? JsonNodeFactory.instance.objectNode() : data;
    }
}
