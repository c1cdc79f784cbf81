package dev.agentry.tool.mcp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a stdio MCP server may see of the service's environment: the variables a program needs to
 * start and find its tools ({@code PATH}, {@code HOME}, the locale, the time zone, the temporary
 * folder), plus the toolset's own {@code env:}. Nothing else, so a server (or a package it
 * downloads, as {@code npx} servers do) never reads the service's API keys or database password.
 *
 * <p>The process is started by langchain4j's transport, which only adds to the inherited environment.
 * The command is therefore run through {@code env -u NAME ...}, which removes each other variable
 * before the server starts; only names appear on that command line, never values.
 */
final class StdioEnvironment {

    /** Inherited as they are; everything else the service has is removed. */
    static final Set<String> KEPT =
            Set.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TEMP", "TMP");

    private StdioEnvironment() {}

    /**
     * The command that starts {@code command} with only the kept variables of {@code inherited} and the
     * names in {@code own}; empty where there is no {@code env} program to do it (then the server
     * inherits everything, and the caller says so).
     */
    static Optional<List<String>> command(List<String> command, Map<String, String> inherited, Set<String> own) {
        Optional<Path> env = envProgram();
        if (env.isEmpty()) {
            return Optional.empty();
        }
        List<String> wrapped = new ArrayList<>();
        wrapped.add(env.get().toString());
        inherited.keySet().stream()
                .filter(name -> !KEPT.contains(name) && !name.startsWith("LC_") && !own.contains(name))
                .sorted()
                .forEach(name -> {
                    wrapped.add("-u");
                    wrapped.add(name);
                });
        wrapped.addAll(command);
        return Optional.of(wrapped);
    }

    /** Whether {@code program} names an executable file, as a path or found on {@code path}. */
    static boolean exists(String program, String path) {
        if (program.contains("/")) {
            return Files.isExecutable(Path.of(program));
        }
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static Optional<Path> envProgram() {
        for (String candidate : List.of("/usr/bin/env", "/bin/env")) {
            Path path = Path.of(candidate);
            if (Files.isExecutable(path)) {
                return Optional.of(path);
            }
        }
        return Optional.empty();
    }
}
