package dev.agentry.policy.cel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentry.policy.Condition;
import dev.agentry.policy.ConditionCompiler;
import dev.agentry.policy.PolicyRequest;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelBuilder;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOptions;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Rule conditions in CEL. The environment declares exactly the names of {@link PolicyRequest}
 * ({@code tool}, {@code toolset}, {@code args}, {@code annotations}, {@code agent}, {@code origin},
 * {@code run}, {@code now}), CEL's standard macros, its string extensions and two helpers,
 * {@code email_domain} and {@code url_host}. Every expression must type-check to a bool. Evaluation is
 * bounded by CEL's iteration budget and by limits on the expression's size, so a rule cannot stall a
 * run; going over them is an evaluation error, and the engine denies.
 *
 * <p>cel-java checks every expression and defines what it means. Most are then evaluated by
 * {@link DirectProgram} on the request's own values, several times faster; wherever that one is not
 * certain to answer as cel-java would (errors included), cel-java evaluates.
 */
@ApplicationScoped
public class CelConditions implements ConditionCompiler {

    private final boolean direct;

    /** Conditions evaluated directly where {@link DirectProgram} covers them, by cel-java elsewhere. */
    public CelConditions() {
        this(true);
    }

    private CelConditions(boolean direct) {
        this.direct = direct;
    }

    /** Every condition evaluated by cel-java alone: what the direct evaluation is measured against. */
    public static CelConditions celJavaOnly() {
        return new CelConditions(false);
    }

    /** Iterations of all comprehensions ({@code exists}, {@code all}, {@code map} ...) in one evaluation. */
    static final int ITERATION_BUDGET = 10_000;
    /** Characters of one expression. */
    static final int MAX_EXPRESSION_CHARS = 4_000;

    private static final Cel CEL =
            environment(MAX_EXPRESSION_CHARS).setResultType(SimpleType.BOOL).build();
    /**
     * Selectors: an int, the index of the first condition that holds. Their size is bounded by the
     * conditions', each checked alone first.
     */
    private static final Cel SELECTORS =
            environment(Integer.MAX_VALUE).setResultType(SimpleType.INT).build();

    private static CelBuilder environment(int maxChars) {
        return CelFactory.standardCelBuilder()
                .setOptions(CelOptions.current()
                        .comprehensionMaxIterations(ITERATION_BUDGET)
                        .maxExpressionCodePointSize(maxChars)
                        .maxRegexProgramSize(1_000)
                        .build())
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addVar("tool", SimpleType.STRING)
                .addVar("toolset", SimpleType.STRING)
                .addVar("args", MapType.create(SimpleType.STRING, SimpleType.DYN))
                .addVar("annotations", MapType.create(SimpleType.STRING, SimpleType.BOOL))
                .addVar("agent", SimpleType.STRING)
                .addVar("origin", SimpleType.STRING)
                .addVar("run", MapType.create(SimpleType.STRING, SimpleType.DYN))
                .addVar("now", SimpleType.TIMESTAMP)
                .addFunctionDeclarations(
                        CelFunctionDecl.newFunctionDeclaration(
                                "email_domain",
                                CelOverloadDecl.newGlobalOverload(
                                        "email_domain_string", SimpleType.STRING, SimpleType.STRING)),
                        CelFunctionDecl.newFunctionDeclaration(
                                "url_host",
                                CelOverloadDecl.newGlobalOverload(
                                        "url_host_string", SimpleType.STRING, SimpleType.STRING)))
                .addFunctionBindings(
                        CelFunctionBinding.from("email_domain_string", String.class, CelConditions::emailDomain),
                        CelFunctionBinding.from("url_host_string", String.class, CelConditions::urlHost))
                .addCompilerLibraries(CelExtensions.strings())
                .addRuntimeLibraries(CelExtensions.strings());
    }

    /**
     * The variables of the request last evaluated on this thread: a decision evaluates many rules
     * against one request, and converting its arguments once is most of the saving.
     */
    private static final ThreadLocal<Activation> LAST = new ThreadLocal<>();

    private record Activation(PolicyRequest request, Map<String, Object> variables) {}

    @Override
    public Condition compile(String expression) {
        CelAbstractSyntaxTree ast = check(CEL, expression);
        CelRuntime.Program program = program(CEL, ast);
        DirectProgram direct = this.direct ? DirectProgram.compile(ast).orElse(null) : null;
        return request -> {
            if (direct != null) {
                try {
                    if (direct.eval(request) instanceof Boolean holds) {
                        return holds;
                    }
                } catch (DirectProgram.Unsure e) {
                    // cel-java decides
                }
            }
            try {
                return Boolean.TRUE.equals(program.eval(variables(request)));
            } catch (CelEvaluationException e) {
                throw new Condition.Failure(e.getMessage());
            } catch (RuntimeException e) {
                throw new Condition.Failure(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        };
    }

    /**
     * {@code (c0) ? 0 : ((c1) ? 1 : ... -1)}: CEL evaluates a conditional lazily, so conditions after
     * the first that holds are not evaluated, and an error in one that is evaluated fails the whole.
     */
    @Override
    public Selector select(List<String> conditions) {
        StringBuilder expression = new StringBuilder();
        for (int i = 0; i < conditions.size(); i++) {
            expression
                    .append("(")
                    .append(conditions.get(i))
                    .append("\n) ? ")
                    .append(i)
                    .append(" : (");
        }
        expression.append("-1").append(")".repeat(conditions.size()));
        CelAbstractSyntaxTree ast;
        CelRuntime.Program program;
        try {
            ast = check(SELECTORS, expression.toString());
            program = program(SELECTORS, ast);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("conditions that compile alone do not compile together: " + e);
        }
        DirectProgram direct = this.direct ? DirectProgram.compile(ast).orElse(null) : null;
        return request -> {
            if (direct != null) {
                try {
                    if (direct.eval(request) instanceof Long first) {
                        return first.intValue();
                    }
                } catch (DirectProgram.Unsure e) {
                    // cel-java decides
                }
            }
            try {
                return ((Long) program.eval(variables(request))).intValue();
            } catch (CelEvaluationException e) {
                throw new Condition.Failure(e.getMessage());
            } catch (RuntimeException e) {
                throw new Condition.Failure(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        };
    }

    /** A condition parsed and type-checked as a rule's {@code when}, or why it is not one. */
    static CelAbstractSyntaxTree check(String expression) {
        return check(CEL, expression);
    }

    /** cel-java's own program for a checked condition. */
    static CelRuntime.Program program(CelAbstractSyntaxTree ast) {
        return program(CEL, ast);
    }

    private static CelAbstractSyntaxTree check(Cel cel, String expression) {
        CelValidationResult result;
        try {
            result = cel.compile(expression);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(String.valueOf(e.getMessage()));
        }
        if (result.hasError()) {
            throw new IllegalArgumentException(result.getErrorString().strip());
        }
        try {
            return result.getAst();
        } catch (CelValidationException e) {
            throw new IllegalArgumentException(String.valueOf(e.getMessage()));
        }
    }

    private static CelRuntime.Program program(Cel cel, CelAbstractSyntaxTree ast) {
        try {
            return cel.createProgram(ast);
        } catch (Exception e) {
            throw new IllegalArgumentException(String.valueOf(e.getMessage()));
        }
    }

    static Map<String, Object> variables(PolicyRequest request) {
        Activation last = LAST.get();
        if (last != null && last.request() == request) {
            return last.variables();
        }
        Map<String, Object> variables = new HashMap<>();
        variables.put("tool", request.tool());
        variables.put("toolset", request.toolset());
        variables.put("args", value(request.arguments()));
        variables.put("annotations", request.annotations());
        variables.put("agent", request.agent());
        variables.put("origin", request.origin());
        variables.put("run", run(request.run()));
        variables.put("now", request.now());
        LAST.set(new Activation(request, variables));
        return variables;
    }

    private static Map<String, Object> run(PolicyRequest.RunFacts run) {
        Map<String, Object> calls = new HashMap<>();
        run.calls().forEach((tool, count) -> calls.put(tool, (long) count));
        List<Object> history = new ArrayList<>(run.history().size());
        for (PolicyRequest.PastCall call : run.history()) {
            history.add(Map.of("tool", call.tool(), "origin", call.origin(), "effect", call.effect()));
        }
        Map<String, Object> facts = new HashMap<>();
        facts.put("id", run.id());
        facts.put("trigger", run.trigger());
        facts.put("steps", (long) run.steps());
        facts.put("tool_calls", (long) run.toolCalls());
        facts.put("calls", calls);
        facts.put("history", history);
        facts.put("tokens", run.tokens());
        facts.put("elapsed_ms", run.elapsedMs());
        return facts;
    }

    /** JSON as CEL values: objects as maps, arrays as lists, whole numbers as int64, others as double. */
    static Object value(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                node.properties().forEach(field -> map.put(field.getKey(), value(field.getValue())));
                yield map;
            }
            case ARRAY -> {
                List<Object> list = new ArrayList<>(node.size());
                node.forEach(item -> list.add(value(item)));
                yield list;
            }
            case NUMBER ->
                node.isIntegralNumber() && node.canConvertToLong() ? (Object) node.asLong() : node.asDouble();
            case BOOLEAN -> node.asBoolean();
            case STRING -> node.asText();
            case BINARY, POJO -> node.toString();
            case NULL, MISSING -> NullValue.NULL_VALUE;
        };
    }

    /** The part after the last {@code @}, lower case; empty when there is none. */
    static String emailDomain(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).strip().toLowerCase(Locale.ROOT);
    }

    /** The host of an absolute URL, lower case; empty when the text is not one. */
    static String urlHost(String url) {
        try {
            String host = URI.create(url.strip()).getHost();
            return host == null ? "" : host.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
