package dev.agentry.tool;

import java.util.regex.Pattern;

/** A tool inside a toolset definition; its name is unique within the toolset. */
public interface NamedTool {

    /** Tool names: lowercase letters, digits and underscores, starting with a letter. */
    Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    String name();
}
