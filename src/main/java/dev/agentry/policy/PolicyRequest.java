package dev.agentry.policy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One tool call about to be made, as policy sees it.
 *
 * @param policies the names of the policies the agent is bound by
 * @param tool the tool's id, {@code toolset.tool}
 * @param origin who asks: {@code model}, {@code code} for a call from sandboxed code, or
 *     {@code operator} for a direct call through {@code POST /v1/tools/.../test}
 */
public record PolicyRequest(
        String runId, String agent, List<String> policies, String tool, JsonNode arguments, String origin) {

    public PolicyRequest {
        requireNonNull(runId, "runId");
        requireNonNull(agent, "agent");
        policies = List.copyOf(policies);
        requireNonNull(tool, "tool");
        requireNonNull(arguments, "arguments");
        requireNonNull(origin, "origin");
    }
}
