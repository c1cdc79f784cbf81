package dev.agentry.sandbox;

/**
 * The port to a code sandbox. Implementations never let guest code reach the service's heap, and
 * every failure, guest or sandbox, is an {@link ExecutionResult}: nothing is thrown.
 */
public interface CodeSandbox {

    ExecutionResult execute(SandboxProfile profile, CodeExecution execution, ToolBridge tools);

    /**
     * Gets ready to run code under {@code profile}, in the background, so that the first execution
     * does not pay for starting up. Problems are logged, not thrown: executions report them.
     */
    default void prepare(SandboxProfile profile) {}
}
