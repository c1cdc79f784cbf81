package dev.agentry.model;

/** Makes clients for one {@link Provider}. Adapters implement it as CDI beans. */
public interface ModelProvider {

    Provider provider();

    /**
     * @param agent the agent the client serves, for endpoints that route or label by it
     */
    ModelClient create(String agent, ModelSettings settings);
}
