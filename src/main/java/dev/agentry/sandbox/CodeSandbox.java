package dev.agentry.sandbox;

/**
 * The port to a code sandbox. Implementations never let guest code reach the service's heap, and
 * every failure, guest or sandbox, is an {@link ExecutionResult}: nothing is thrown.
 */
public interface CodeSandbox {

    ExecutionResult execute(SandboxProfile profile, CodeExecution execution, ToolBridge tools);
}
