package dev.agentry.run;

import dev.agentry.model.ModelSettings;
import dev.agentry.model.TokenUsage;
import dev.agentry.tool.ToolResult;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * OpenTelemetry spans of runs after the GenAI semantic conventions: {@code invoke_agent <agent>} for
 * each execution of a run, {@code chat <model>} for each model call and {@code execute_tool <tool>}
 * for each tool call (a call from sandboxed code is a child of its {@code code.run}). Off unless an
 * OTLP endpoint is configured ({@code dev.agentry.OffUnlessConfigured}); then nothing is built at all, so
 * the loop pays one boolean test per span.
 */
@ApplicationScoped
public class RunTracing {

    /** Spans of nothing: for loops built outside the service (tests, benchmarks). */
    static final RunTracing OFF = new RunTracing(OpenTelemetry.noop(), true);

    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> AGENT = AttributeKey.stringKey("gen_ai.agent.name");
    static final AttributeKey<String> CONVERSATION = AttributeKey.stringKey("gen_ai.conversation.id");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<String> TOOL_NAME = AttributeKey.stringKey("gen_ai.tool.name");
    static final AttributeKey<String> TOOL_CALL = AttributeKey.stringKey("gen_ai.tool.call.id");
    static final AttributeKey<String> TOOL_TYPE = AttributeKey.stringKey("gen_ai.tool.type");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> ORIGIN = AttributeKey.stringKey("agentry.tool.origin");
    static final AttributeKey<String> EFFECT = AttributeKey.stringKey("agentry.policy.effect");
    static final AttributeKey<String> STATUS = AttributeKey.stringKey("agentry.run.status");

    private final Tracer tracer;
    private final boolean on;

    @Inject
    RunTracing(OpenTelemetry telemetry, @ConfigProperty(name = "quarkus.otel.sdk.disabled") boolean disabled) {
        this.tracer = telemetry.getTracer("dev.agentry");
        this.on = !disabled;
    }

    boolean on() {
        return on;
    }

    /** The span of one execution of a run, or an invalid one when tracing is off. */
    Span run(String runId, RunPlan plan) {
        if (!on) {
            return Span.getInvalid();
        }
        ModelSettings model = plan.agent().model();
        return tracer.spanBuilder("invoke_agent " + plan.agent().name())
                .setParent(Context.root())
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute(OPERATION, "invoke_agent")
                .setAttribute(PROVIDER, provider(model))
                .setAttribute(AGENT, plan.agent().name())
                .setAttribute(CONVERSATION, runId)
                .setAttribute(REQUEST_MODEL, model.name())
                .startSpan();
    }

    /** Ends a run's span with how the execution ended. */
    void ended(Span span, RunOutcome outcome) {
        if (!span.isRecording()) {
            return;
        }
        String status = outcome.status().id();
        span.setAttribute(STATUS, status);
        if (outcome instanceof RunOutcome.Failed) {
            span.setAttribute(ERROR_TYPE, "run_failed");
            span.setStatus(StatusCode.ERROR, outcome.errorOrNull());
        }
        span.end();
    }

    /** The span of one model call under {@code run}. */
    Span chat(Context run, RunPlan plan) {
        if (!on) {
            return Span.getInvalid();
        }
        ModelSettings model = plan.agent().model();
        return tracer.spanBuilder("chat " + model.name())
                .setParent(run)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(OPERATION, "chat")
                .setAttribute(PROVIDER, provider(model))
                .setAttribute(REQUEST_MODEL, model.name())
                .startSpan();
    }

    void answered(Span span, TokenUsage usage) {
        if (span.isRecording()) {
            span.setAttribute(INPUT_TOKENS, usage.input());
            span.setAttribute(OUTPUT_TOKENS, usage.output());
            span.end();
        }
    }

    void failed(Span span, Throwable error) {
        if (span.isRecording()) {
            span.setAttribute(ERROR_TYPE, error.getClass().getSimpleName());
            span.setStatus(StatusCode.ERROR, error.getMessage());
            span.end();
        }
    }

    /** The span of one tool call under {@code parent}: the run's, or the {@code code.run} that made it. */
    Span tool(Context parent, String tool, String callId, String origin) {
        if (!on) {
            return Span.getInvalid();
        }
        return tracer.spanBuilder("execute_tool " + tool)
                .setParent(parent)
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute(OPERATION, "execute_tool")
                .setAttribute(TOOL_NAME, tool)
                .setAttribute(TOOL_CALL, callId)
                .setAttribute(TOOL_TYPE, "function")
                .setAttribute(ORIGIN, origin)
                .startSpan();
    }

    /** Ends a tool call's span with what policy decided (null when the call never reached it) and the result. */
    void called(Span span, String effect, ToolResult result) {
        if (!span.isRecording()) {
            return;
        }
        if (effect != null) {
            span.setAttribute(EFFECT, effect);
        }
        if (result != null && !"ok".equals(result.status())) {
            span.setAttribute(ERROR_TYPE, result.status());
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }

    private static String provider(ModelSettings model) {
        return model.provider().name().toLowerCase(Locale.ROOT);
    }
}
