package dev.agentry.tool;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a tool does to the world, as MCP's tool annotations say it, plus whether guest code may call
 * it. A tool that says nothing is treated as the riskiest kind: it changes things, may destroy
 * something, repeating it is not safe, and code cannot reach it.
 *
 * @param readOnly changes nothing; implies not destructive and idempotent
 * @param destructive may delete or overwrite something (only meaningful when not read-only)
 * @param idempotent calling it twice with the same arguments has the effect of calling it once, so a
 *     failed attempt may be retried
 * @param callableFromCode guest code in {@code code.run} may call it (the sandbox profile must list
 *     it too); read-only tools are by default
 */
public record ToolAnnotations(
        @JsonProperty("read-only") Boolean readOnly,
        Boolean destructive,
        Boolean idempotent,
        @JsonProperty("callable-from-code") Boolean callableFromCode) {

    /** What an unannotated tool is taken to be. */
    public static final ToolAnnotations UNANNOTATED = new ToolAnnotations(false, true, false, false);

    public static final ToolAnnotations READ_ONLY = new ToolAnnotations(true, false, true, true);

    public ToolAnnotations {
        readOnly = readOnly != null && readOnly;
        destructive = readOnly ? Boolean.FALSE : destructive == null || destructive;
        idempotent = readOnly || (idempotent != null && idempotent);
        callableFromCode = callableFromCode == null ? readOnly : callableFromCode;
    }

    /** A side effect happens when the tool is called: it is worth an idempotency key. */
    public boolean sideEffects() {
        return !readOnly;
    }

    /** A failed attempt may be sent again without risking a second effect. */
    public boolean retryable() {
        return idempotent;
    }
}
