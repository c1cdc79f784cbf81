package dev.agentry.sandbox.worker;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the operating system adds around each worker, beyond an empty environment and a private
 * working folder: a network namespace of its own (no interface but a loopback that is down, so no
 * connection leaves the worker; the service's socket is a file and still reaches it) and resource
 * limits (open files, file size, no core dumps). Each is used where this machine allows it, found out
 * once by trying it; {@link #describe()} says what each worker gets, and the service logs it.
 *
 * <p>Not done here, and for a deployment to add: running workers as another user than the service
 * (a container's user, or a dedicated account), a read-only root file system and seccomp.
 */
record Confinement(List<String> networkPrefix, boolean limits) {

    Confinement {
        networkPrefix = List.copyOf(networkPrefix);
    }

    /** Whether workers get a network namespace of their own. */
    boolean network() {
        return !networkPrefix.isEmpty();
    }

    /** The most files one worker keeps open; a JVM with GraalJS needs a few hundred. */
    static final int OPEN_FILES = 1024;
    /** The largest file a worker may write (its crash log is the only one it needs). */
    static final long FILE_BYTES = 64L << 20;

    static final Confinement NONE = new Confinement(List.of(), false);

    /**
     * Ways to enter a new network namespace, tried in order: directly (the service runs as root, or
     * with CAP_SYS_ADMIN), then inside a user namespace of its own, which an unprivileged service may
     * create where the kernel allows it.
     */
    private static final List<List<String>> NAMESPACES =
            List.of(List.of("unshare", "--net", "--"), List.of("unshare", "--user", "--map-root-user", "--net", "--"));

    /** What works here, tried with the commands the workers are then started with. */
    static Confinement detect() {
        if (!System.getProperty("os.name", "")
                .toLowerCase(java.util.Locale.ROOT)
                .contains("linux")) {
            return NONE;
        }
        List<String> network = List.of();
        for (List<String> prefix : NAMESPACES) {
            List<String> probe = new ArrayList<>(prefix);
            probe.add("true");
            if (works(probe)) {
                network = prefix;
                break;
            }
        }
        return new Confinement(network, works(limitsPrefix(List.of("true"))));
    }

    private static boolean works(List<String> command) {
        try {
            Process probe = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!probe.waitFor(10, TimeUnit.SECONDS)) {
                probe.destroyForcibly();
                return false;
            }
            return probe.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static List<String> limitsPrefix(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of(
                "prlimit",
                "--nofile=" + OPEN_FILES + ":" + OPEN_FILES,
                "--fsize=" + FILE_BYTES + ":" + FILE_BYTES,
                "--core=0:0",
                "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** {@code command} started inside what this confinement provides. */
    List<String> wrap(List<String> command) {
        List<String> wrapped = limits ? limitsPrefix(command) : new ArrayList<>(command);
        if (network()) {
            List<String> inNamespace = new ArrayList<>(networkPrefix);
            inNamespace.addAll(wrapped);
            return inNamespace;
        }
        return wrapped;
    }

    String describe() {
        return "network namespace of their own: "
                + (network()
                        ? "yes (" + String.join(" ", networkPrefix.subList(0, networkPrefix.size() - 1)) + ")"
                        : "no (unshare --net is not permitted here)")
                + "; resource limits (" + OPEN_FILES + " open files, files up to " + (FILE_BYTES >> 20)
                + " MiB, no core dumps): " + (limits ? "yes" : "no (prlimit is not available here)")
                + "; environment: empty but TZ and the locale; working folder: private";
    }
}
