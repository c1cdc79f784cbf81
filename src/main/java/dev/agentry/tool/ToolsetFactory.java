package dev.agentry.tool;

import java.util.List;

/** Turns one kind of toolset definition into tools. Adapters implement it as CDI beans. */
public interface ToolsetFactory<D extends ToolsetDefinition> {

    Class<D> type();

    List<Tool> create(D definition);
}
