package dev.agentry.sandbox;

import dev.agentry.asset.AssetFolder;
import dev.agentry.asset.ByteSize;
import dev.agentry.asset.FieldException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How code runs, as written in {@code sandbox/<name>.yaml}: the language, the limits of every
 * execution, the pool of worker processes, and which tools code may call (none unless listed).
 * Agents choose a profile with {@code sandbox: <name>}; {@code default} when they do not.
 *
 * @param tools tool references code may call ({@code toolset.tool} or {@code toolset.*}); code only
 *     ever reaches tools the agent itself has
 */
public record SandboxProfile(
        String name, String description, String language, Limits limits, Pool pool, List<String> tools) {

    public static final String DEFAULT = "default";

    private static final Pattern TOOL_REFERENCE = Pattern.compile("[a-z][a-z0-9-]{0,62}\\.([a-z][a-z0-9_]{0,62}|\\*)");

    public SandboxProfile {
        if (name == null || !AssetFolder.NAME.matcher(name).matches()) {
            throw new FieldException(
                    "name",
                    "must be lowercase letters, digits and hyphens, starting with a letter, got '" + name + "'");
        }
        description = description == null ? "" : description;
        language = language == null ? "js" : language;
        if (!language.equals("js")) {
            throw new FieldException(
                    "language", "must be js (JavaScript), the one language the sandbox runs; got '" + language + "'");
        }
        limits = limits == null ? Limits.DEFAULT : limits;
        pool = pool == null ? Pool.DEFAULT : pool;
        tools = tools == null ? List.of() : List.copyOf(tools);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < tools.size(); i++) {
            String tool = tools.get(i);
            if (tool == null || !TOOL_REFERENCE.matcher(tool).matches()) {
                throw new FieldException(
                        "tools[" + i + "]",
                        "must be toolset.tool or toolset.*, such as salesforce.query, got '" + tool + "'");
            }
            if (!seen.add(tool)) {
                throw new FieldException("tools[" + i + "]", "repeats '" + tool + "'; list it once");
            }
        }
    }

    /** Whether code under this profile may call {@code toolId} ({@code toolset.tool}). */
    public boolean allowsTool(String toolId) {
        String toolset = toolId.substring(0, toolId.indexOf('.'));
        return tools.contains(toolId) || tools.contains(toolset + ".*");
    }

    /**
     * What one execution may use. Sizes are binary (64KB = 65,536 bytes).
     *
     * @param timeout wall-clock time
     * @param statements JavaScript statements executed
     * @param memory heap the code may hold, beyond the engine's own
     * @param output stdout and stderr together
     * @param source the code itself
     * @param toolCalls tool calls the code may make
     * @param result the result, as JSON (also the cap on one tool call's arguments)
     */
    public record Limits(
            Duration timeout,
            Long statements,
            ByteSize memory,
            ByteSize output,
            ByteSize source,
            Integer toolCalls,
            ByteSize result) {

        public static final Limits DEFAULT = new Limits(null, null, null, null, null, null, null);

        public Limits {
            timeout = timeout == null ? Duration.ofSeconds(5) : timeout;
            statements = statements == null ? 100_000_000L : statements;
            memory = memory == null ? ByteSize.ofMebibytes(256) : memory;
            output = output == null ? ByteSize.ofKibibytes(64) : output;
            source = source == null ? ByteSize.ofKibibytes(64) : source;
            toolCalls = toolCalls == null ? 20 : toolCalls;
            result = result == null ? ByteSize.ofKibibytes(256) : result;
            within("timeout", timeout.toMillis(), 1, Duration.ofMinutes(10).toMillis(), "between 1ms and 10m");
            within("statements", statements, 1, Long.MAX_VALUE, "at least 1");
            within("memory", memory.bytes(), 16L << 20, 16L << 30, "between 16MiB and 16GiB");
            within("output", output.bytes(), 1024, 16L << 20, "between 1KiB and 16MiB");
            within("source", source.bytes(), 1, 1L << 20, "at most 1MiB");
            within("tool-calls", toolCalls, 0, 10_000, "between 0 and 10000");
            within("result", result.bytes(), 1024, 16L << 20, "between 1KiB and 16MiB");
        }

        private static void within(String field, long value, long min, long max, String range) {
            if (value < min || value > max) {
                throw new FieldException(field, "must be " + range + ", got " + value);
            }
        }
    }

    /**
     * The worker processes that serve this profile.
     *
     * @param size workers kept warm; executions beyond wait for one to be free
     * @param maxExecutionsPerWorker executions a worker serves before it is replaced by a fresh one;
     *     by default {@value #DEFAULT_MAX_EXECUTIONS}, since a worker's JIT takes tens of thousands of
     *     executions to settle (the JVM compiles the engine's per-context set-up only as contexts are
     *     made), and a replacement costs half a minute of CPU to get there again
     * @param perAgent each agent gets workers of its own (a pool of {@code size} per agent that runs
     *     code), so that a worker compromised by one agent's code never sees another agent's; costs a
     *     JVM per worker per agent
     */
    public record Pool(Integer size, Integer maxExecutionsPerWorker, Boolean perAgent) {

        public static final int DEFAULT_MAX_EXECUTIONS = 100_000;
        public static final Pool DEFAULT = new Pool(null, null, null);

        public Pool {
            perAgent = perAgent != null && perAgent;
            size = size == null ? 2 : size;
            maxExecutionsPerWorker = maxExecutionsPerWorker == null ? DEFAULT_MAX_EXECUTIONS : maxExecutionsPerWorker;
            if (size < 1 || size > 64) {
                throw new FieldException("size", "must be between 1 and 64, got " + size);
            }
            if (maxExecutionsPerWorker < 1) {
                throw new FieldException(
                        "max-executions-per-worker", "must be at least 1, got " + maxExecutionsPerWorker);
            }
        }
    }
}
