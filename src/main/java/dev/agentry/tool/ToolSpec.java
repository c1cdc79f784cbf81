package dev.agentry.tool;

import static java.util.Objects.requireNonNull;

/**
 * What a tool is, as agents name it ({@code toolset.tool}) and as models see it ({@code toolset_tool}
 * with a JSON Schema of its parameters, compiled once so that every call can be checked cheaply),
 * and what calling it does to the world.
 */
public record ToolSpec(
        String toolset, String name, String description, ArgumentSchema parameters, ToolAnnotations annotations) {

    public ToolSpec {
        requireNonNull(toolset, "toolset");
        requireNonNull(name, "name");
        description = description == null ? "" : description;
        requireNonNull(parameters, "parameters");
        annotations = annotations == null ? ToolAnnotations.UNANNOTATED : annotations;
    }

    /** An unannotated tool, taken to be destructive. */
    public ToolSpec(String toolset, String name, String description, ArgumentSchema parameters) {
        this(toolset, name, description, parameters, ToolAnnotations.UNANNOTATED);
    }

    /** How agents and runs name the tool: {@code calendar.list_events}. */
    public String id() {
        return toolset + "." + name;
    }

    /** How models see the tool: {@code calendar_list_events}. */
    public String functionName() {
        return toolset + "_" + name;
    }
}
