package dev.agentry.policy.cel;

import dev.agentry.policy.PolicyRequest;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The variables of one request as {@link DirectProgram} reads them. The arguments are converted to
 * CEL's values when first read; {@code run} stays the request's own record, its {@code history} the
 * list of past calls and its {@code calls} a view, so a rule that reads one count does not pay for
 * converting every tool's. A decision evaluates several policies against one request, so the last
 * request's values are kept per thread.
 */
final class RequestValues {

    enum Variable {
        TOOL,
        TOOLSET,
        ARGS,
        ANNOTATIONS,
        AGENT,
        ORIGIN,
        RUN,
        NOW
    }

    private static final ThreadLocal<RequestValues> LAST = new ThreadLocal<>();

    private final PolicyRequest request;
    private Map<String, Object> args;

    private RequestValues(PolicyRequest request) {
        this.request = request;
    }

    static RequestValues of(PolicyRequest request) {
        RequestValues last = LAST.get();
        if (last != null && last.request == request) {
            return last;
        }
        RequestValues values = new RequestValues(request);
        LAST.set(values);
        return values;
    }

    static Optional<Variable> variable(String name) {
        return switch (name) {
            case "tool" -> Optional.of(Variable.TOOL);
            case "toolset" -> Optional.of(Variable.TOOLSET);
            case "args" -> Optional.of(Variable.ARGS);
            case "annotations" -> Optional.of(Variable.ANNOTATIONS);
            case "agent" -> Optional.of(Variable.AGENT);
            case "origin" -> Optional.of(Variable.ORIGIN);
            case "run" -> Optional.of(Variable.RUN);
            case "now" -> Optional.of(Variable.NOW);
            default -> Optional.empty();
        };
    }

    Object get(Variable variable) {
        return switch (variable) {
            case TOOL -> request.tool();
            case TOOLSET -> request.toolset();
            case ARGS -> args();
            case ANNOTATIONS -> request.annotations();
            case AGENT -> request.agent();
            case ORIGIN -> request.origin();
            case RUN -> request.run();
            case NOW -> request.now();
        };
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> args() {
        if (args == null) {
            args = (Map<String, Object>) CelConditions.value(request.arguments());
        }
        return args;
    }

    /**
     * A field of {@code run}, as CEL sees it in the map cel-java is given.
     *
     * @throws DirectProgram.Unsure for a field the map does not have (an error in CEL)
     */
    static Object runField(PolicyRequest.RunFacts run, String field) {
        return switch (field) {
            case "id" -> run.id();
            case "trigger" -> run.trigger();
            case "steps" -> (long) run.steps();
            case "tool_calls" -> (long) run.toolCalls();
            case "calls" -> new Counts(run.calls());
            case "history" -> run.history();
            case "tokens" -> run.tokens();
            case "elapsed_ms" -> run.elapsedMs();
            default -> throw DirectProgram.Unsure.INSTANCE;
        };
    }

    static boolean hasRunField(String field) {
        return switch (field) {
            case "id", "trigger", "steps", "tool_calls", "calls", "history", "tokens", "elapsed_ms" -> true;
            default -> false;
        };
    }

    /**
     * A field of one entry of {@code run.history}.
     *
     * @throws DirectProgram.Unsure for a field the entry does not have
     */
    static String pastCallField(PolicyRequest.PastCall call, String field) {
        return switch (field) {
            case "tool" -> call.tool();
            case "origin" -> call.origin();
            case "effect" -> call.effect();
            default -> throw DirectProgram.Unsure.INSTANCE;
        };
    }

    static boolean hasPastCallField(String field) {
        return field.equals("tool") || field.equals("origin") || field.equals("effect");
    }

    /** {@code run.calls}: counts by tool id as CEL's int64, read through. */
    static final class Counts extends AbstractMap<String, Object> {
        private final Map<String, Integer> counts;

        Counts(Map<String, Integer> counts) {
            this.counts = counts;
        }

        @Override
        public Object get(Object key) {
            Integer count = counts.get(key);
            return count == null ? null : (long) count;
        }

        @Override
        public boolean containsKey(Object key) {
            return counts.containsKey(key);
        }

        @Override
        public int size() {
            return counts.size();
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            Map<String, Object> copy = new LinkedHashMap<>();
            counts.forEach((tool, count) -> copy.put(tool, (long) count));
            return copy.entrySet();
        }
    }
}
