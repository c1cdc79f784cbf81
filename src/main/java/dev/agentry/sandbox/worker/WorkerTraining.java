package dev.agentry.sandbox.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Build step (run by Maven after the worker is laid out): writes the AOT cache that lets
 * interpreter-only workers start in well under a second. A failed training run costs only speed, so
 * it warns and leaves no cache rather than failing the build. Usage: {@code WorkerTraining <worker dir>}.
 */
public final class WorkerTraining {

    private WorkerTraining() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        WorkerLauncher launcher = WorkerLauncher.locate(Optional.of(args[0]), List.of());
        Path cache = launcher.dir().resolve(WorkerLauncher.CACHE);
        Files.deleteIfExists(cache);
        Process training = new ProcessBuilder(launcher.trainingCommand())
                .redirectErrorStream(true)
                .start();
        String output = new String(training.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean ended = training.waitFor(5, TimeUnit.MINUTES);
        if (!ended || training.exitValue() != 0 || !Files.isRegularFile(cache)) {
            training.destroyForcibly();
            Files.deleteIfExists(cache);
            System.err.println("[WARNING] The sandbox worker's AOT cache was not written; interpreter-only"
                    + " workers will start without it. The training run said:\n" + output);
            return;
        }
        System.out.printf("[INFO] Sandbox worker AOT cache written: %s (%d MiB)%n", cache, Files.size(cache) >> 20);
    }
}
