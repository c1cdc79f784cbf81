package dev.agentry.sandbox.worker;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where the worker lives and how to start it. The build lays the worker out as plain files in a
 * {@code sandbox-worker/} folder: the worker jar, {@code lib/} (polyglot and the JavaScript
 * language) and {@code upgrade/} (the optimizing compiler). That folder is found next to the running
 * application (for {@code target/quarkus-app/...} and {@code target/classes} alike) unless
 * configured. Workers run on the JDK the service runs on.
 */
final class WorkerLauncher {

    static final String FOLDER = "sandbox-worker";
    /**
     * The JDK's AOT cache for interpreter-only workers, written by the build's training run: with it a
     * worker is ready in well under a second instead of seconds. Workers with the optimizing compiler
     * cannot use one: the JDK refuses AOT caches with {@code --upgrade-module-path}.
     */
    static final String CACHE = "worker.aot";
    /** The heap of the training run: a profile's default memory limit plus the service's headroom. */
    private static final long TRAINING_HEAP_BYTES = 384L * 1024 * 1024;

    private static final String MAIN = "dev.agentry.sandbox.worker.guest.WorkerMain";
    /** Only the optimizing runtime needs these; without them Truffle runs its interpreter. */
    private static final List<String> OPTIMIZING_ONLY = List.of("truffle-runtime.jar", "jniutils.jar");

    /** The kinds of worker a pool runs. */
    enum Kind {
        /** GraalJS with the optimizing compiler: seconds to warm up, then the fastest. */
        OPTIMIZING,
        /** The GraalJS interpreter, where the optimizing compiler cannot run. */
        INTERPRETER,
        /**
         * The interpreter from the AOT cache with the JVM's quick compiler only: ready soonest and
         * lightest on the CPU while the service itself starts; it serves only until an optimizing
         * worker is warm, so it never needs the JVM's slower, stronger compiler.
         */
        QUICK;

        boolean optimizing() {
            return this == OPTIMIZING;
        }
    }

    private final Path dir;
    private final Path jar;
    private final String java;
    private final List<String> extraOptions;
    private final Confinement confinement;

    private WorkerLauncher(Path dir, Path jar, String java, List<String> extraOptions, Confinement confinement) {
        this.dir = dir;
        this.jar = jar;
        this.java = java;
        this.extraOptions = List.copyOf(extraOptions);
        this.confinement = confinement;
    }

    /**
     * What a worker keeps of the service's environment: the time zone and locale, so guest code sees
     * dates and text as the service does. Nothing else: no API keys, database passwords or paths.
     */
    static final Set<String> PASSED_ENVIRONMENT = Set.of("TZ", "LANG", "LC_ALL");

    /**
     * {@code builder} set to start a worker with only {@link #PASSED_ENVIRONMENT} and {@code home},
     * its private folder, as working directory (not the service's, which holds the asset folders and the
     * embedded database). Every path a worker command names is absolute, so the folder does not matter.
     */
    static ProcessBuilder isolated(ProcessBuilder builder, Path home, Confinement confinement) {
        Map<String, String> environment = builder.environment();
        environment.keySet().retainAll(PASSED_ENVIRONMENT);
        builder.command(confinement.wrap(builder.command()));
        return builder.directory(home.toFile());
    }

    /** The account workers run as when the service runs as root and nothing else is configured. */
    static final String DEFAULT_USER = "nobody";

    /** The worker as installed, run as {@link #DEFAULT_USER} where the service runs as root. */
    static WorkerLauncher locate(Optional<String> configured, List<String> extraOptions) {
        return locate(configured, extraOptions, DEFAULT_USER);
    }

    /**
     * @param user the account workers run as when the service runs as root, or
     *     {@link Confinement#SERVICE_ACCOUNT}
     * @throws IllegalStateException saying where it looked and how to fix it, when there is no worker
     */
    static WorkerLauncher locate(Optional<String> configured, List<String> extraOptions, String user) {
        // Absolute, so that the classpath workers start with is the one the AOT cache was trained on.
        Path dir = configured
                .map(Path::of)
                .or(() -> Optional.ofNullable(besideApplication()))
                .map(path -> path.toAbsolutePath().normalize())
                .orElse(null);
        if (dir == null || !Files.isDirectory(dir.resolve("lib"))) {
            throw new IllegalStateException("the sandbox worker is not installed"
                    + (dir == null ? "" : " at " + dir.toAbsolutePath())
                    + "; build with ./agentry (or ./mvnw package), or set AGENTRY_SANDBOX_WORKER_DIR to the "
                    + FOLDER + " folder the build produced");
        }
        Path jar;
        try (Stream<Path> files = Files.list(dir)) {
            jar = files.filter(file -> file.getFileName().toString().endsWith("-worker.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "the sandbox worker jar is missing from " + dir.toAbsolutePath() + "; rebuild Agentry"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<Path> needed = new ArrayList<>();
        needed.add(Path.of(java));
        needed.addAll(jars(dir.resolve("lib")));
        needed.addAll(jars(dir.resolve("upgrade")));
        if (Files.isRegularFile(dir.resolve(CACHE))) {
            needed.add(dir.resolve(CACHE));
        }
        needed.add(jar);
        return new WorkerLauncher(dir, jar, java, extraOptions, Confinement.detect(user, needed));
    }

    /** What the operating system adds around this launcher's workers. */
    Confinement confinement() {
        return confinement;
    }

    /** Whether the optimizing compiler is laid out next to the worker. */
    boolean canOptimize() {
        return Files.isDirectory(dir.resolve("upgrade"))
                && !jars(dir.resolve("upgrade")).isEmpty();
    }

    /** Whether the build left an AOT cache for interpreter-only workers. */
    boolean hasCache() {
        return Files.isRegularFile(dir.resolve(CACHE));
    }

    /** The command that starts one worker of {@code kind} connecting to {@code socket}. */
    List<String> command(Kind kind, long heapBytes, Path socket, Path crashLog) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(extraOptions);
        if (!kind.optimizing() && hasCache()) {
            command.add("-XX:AOTCache=" + dir.resolve(CACHE));
        }
        if (kind == Kind.QUICK) {
            // C1 only: measured on 2 cores, ready in ~580 ms instead of ~750 ms and a first execution
            // in ~175 ms instead of ~280 ms, with a third less CPU taken from the starting service.
            command.add("-XX:TieredStopAtLevel=1");
        }
        // Truffle unpacks a native library it needs for the optimizing runtime; by default into the
        // user's home, which the worker's account may not have and which every worker would share.
        // Each worker unpacks its own (92 KiB) into its private folder, beside its crash log.
        command.add("-Dpolyglot.engine.userResourceCache=" + crashLog.resolveSibling("resources"));
        command.addAll(jvmOptions(kind.optimizing(), heapBytes, crashLog));
        command.add(socket.toString());
        return command;
    }

    /**
     * The training run that writes {@link #CACHE}: an interpreter-only worker with the options and
     * classpath workers start with, which warms up without a service and exits.
     */
    List<String> trainingCommand() {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.add("-XX:AOTCacheOutput=" + dir.resolve(CACHE));
        command.addAll(jvmOptions(false, TRAINING_HEAP_BYTES, dir.resolve("training-crash.log")));
        command.add(dev.agentry.sandbox.worker.guest.WorkerMain.TRAIN);
        return command;
    }

    /** Everything after the launcher and before the worker's own argument, ending with its main class. */
    private List<String> jvmOptions(boolean optimize, long heapBytes, Path crashLog) {
        List<String> command = new ArrayList<>();
        if (optimize) {
            command.add("-XX:+UnlockExperimentalVMOptions");
            command.add("-XX:+EnableJVMCI");
            command.add("--upgrade-module-path="
                    + String.join(
                            File.pathSeparator,
                            jars(dir.resolve("upgrade")).stream()
                                    .map(Path::toString)
                                    .toList()));
        }
        command.add("-Xmx" + Math.max(64, heapBytes / (1024 * 1024)) + "m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:+ExitOnOutOfMemoryError");
        // A stack overflow can leave a Truffle class half-initialised, which breaks every later context
        // in the JVM; ending the worker at the first one is the only sure way not to reuse it.
        command.add("-XX:+UnlockDiagnosticVMOptions");
        command.add("-XX:AbortVMOnException=java.lang.StackOverflowError");
        command.add("-XX:-CreateCoredumpOnCrash");
        command.add("-XX:ErrorFile=" + crashLog);
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("--sun-misc-unsafe-memory-access=allow");
        command.add("-cp");
        command.add(classpath(optimize));
        command.add(MAIN);
        return command;
    }

    private String classpath(boolean optimize) {
        List<String> entries = new ArrayList<>();
        entries.add(jar.toString());
        for (Path lib : jars(dir.resolve("lib"))) {
            if (optimize || !OPTIMIZING_ONLY.contains(lib.getFileName().toString())) {
                entries.add(lib.toString());
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static List<Path> jars(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> file.toString().endsWith(".jar"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code sandbox-worker} folder next to where this class was loaded from, up to three levels up. */
    private static Path besideApplication() {
        try {
            var source = WorkerLauncher.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return null;
            }
            Path here = Path.of(source.getLocation().toURI());
            for (Path candidate = here.getParent(); candidate != null; candidate = candidate.getParent()) {
                Path folder = candidate.resolve(FOLDER);
                if (Files.isDirectory(folder)) {
                    return folder;
                }
                if (here.getNameCount() - candidate.getNameCount() >= 3) {
                    break;
                }
            }
            return null;
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return null;
        }
    }

    Path dir() {
        return dir;
    }
}
