package dev.agentry.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The packaged service, started as {@code ./agentry} starts it: with the AOT cache the build trained, if any. */
final class PackagedService {

    private static final Path APP = Path.of("target", "quarkus-app");

    private PackagedService() {}

    /** The command line: this JVM's java, the cache, the service's JVM options, {@code options}, then the app. */
    static List<String> command(String... options) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        Path cache = APP.resolve(ServiceTraining.CACHE);
        if (Files.isRegularFile(cache)) {
            command.add("-XX:AOTCache=" + cache);
        }
        command.addAll(ServiceTraining.JVM_OPTIONS);
        command.addAll(List.of(options));
        command.add("-jar");
        command.add(APP.resolve("quarkus-run.jar").toString());
        return command;
    }
}
