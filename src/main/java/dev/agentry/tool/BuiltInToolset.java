package dev.agentry.tool;

import java.util.List;

/** A toolset Agentry itself provides, such as {@code code}; it has no file in {@code tools/}. */
public interface BuiltInToolset {

    String name();

    List<Tool> tools();
}
