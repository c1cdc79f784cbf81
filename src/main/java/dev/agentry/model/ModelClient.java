package dev.agentry.model;

/** The port to a model. Implementations retry transient failures themselves and are thread-safe. */
public interface ModelClient {

    /**
     * @throws dev.agentry.AgentryException.Unavailable when the model cannot answer, with the
     *     endpoint's own reason
     */
    ModelReply chat(ModelRequest request);
}
