package dev.agentry.tool.code;

import dev.agentry.sandbox.CodeSandbox;
import dev.agentry.sandbox.SandboxCatalog;
import dev.agentry.tool.BuiltInToolset;
import dev.agentry.tool.Tool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The built-in toolset {@code code}: {@code code.run} executes JavaScript in the sandbox. */
@ApplicationScoped
public class CodeToolset implements BuiltInToolset {

    private final List<Tool> tools;

    CodeToolset(CodeSandbox sandbox, SandboxCatalog profiles) {
        this.tools = List.of(new CodeRunTool(sandbox, profiles));
    }

    @Override
    public String name() {
        return "code";
    }

    @Override
    public List<Tool> tools() {
        return tools;
    }
}
