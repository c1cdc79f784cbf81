package dev.agentry.policy;

import java.util.List;

/** The port that decides every tool call before it is made. Implementations are thread-safe and fast. */
public interface PolicyEngine {

    Decision decide(PolicyRequest request);

    /**
     * Whether the model is told about {@code tool} at all: false when the policies deny every call of
     * it whatever the arguments, so the model does not spend steps on it.
     */
    default boolean offered(List<String> policies, String tool) {
        return true;
    }

    /** What the policies mask in tool results: for the model, and for what is recorded and shown. */
    record Redactions(Redaction model, Redaction store) {
        public static final Redactions NONE = new Redactions(Redaction.NONE, Redaction.NONE);

        public boolean isEmpty() {
            return model.isEmpty() && store.isEmpty();
        }
    }

    /** The redactions of {@code policies} and the global ones. */
    default Redactions redactions(List<String> policies) {
        return Redactions.NONE;
    }

    /**
     * What {@link #decide} would answer with {@code draft} in place of the policy of the same name, or
     * beside the others when none has that name: for trying a policy on recorded calls.
     */
    default Decision decideWith(PolicyRequest request, CompiledPolicy draft) {
        Decision current = decide(request);
        Decision drafted = draft.decide(request);
        return drafted.severity() > current.severity() ? drafted : current;
    }
}
