package dev.agentry.sandbox.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What the operating system adds around each worker, beyond an empty environment and a private
 * working folder: a network namespace of its own (no interface but a loopback that is down, so no
 * connection leaves the worker; the service's socket is a file and still reaches it), resource limits
 * (open files, file size, no core dumps) and, when the service runs as root, another account than the
 * service's (so that a worker that escaped GraalVM cannot write the asset folders or the database,
 * nor read files only the service may read). Each is used where this machine allows it, found out by
 * trying it; {@link #describe()} says what each worker gets, and the service logs it.
 *
 * <p>Not done here, and for a deployment to add: a read-only root file system and seccomp (a
 * container gives both), and a dedicated account for workers where the service does not run as root.
 *
 * @param account the account workers run as, or null when they run as the service's
 * @param accountNote why workers run as the service's account, when they do
 */
record Confinement(List<String> networkPrefix, boolean limits, Account account, String accountNote) {

    Confinement {
        networkPrefix = List.copyOf(networkPrefix);
    }

    /** An account of this machine, by name and numbers. */
    record Account(String name, int uid, int gid) {}

    /** Whether workers get a network namespace of their own. */
    boolean network() {
        return !networkPrefix.isEmpty();
    }

    /** The most files one worker keeps open; a JVM with GraalJS needs a few hundred. */
    static final int OPEN_FILES = 1024;
    /** The largest file a worker may write (its crash log is the only one it needs). */
    static final long FILE_BYTES = 64L << 20;
    /**
     * The most processes and threads a worker may start. The kernel counts them per account, across
     * every worker of that account (a worker's JVM runs about 20 threads), so this stops a fork bomb,
     * not a busy worker.
     */
    static final int PROCESSES = 4096;
    /**
     * The virtual memory a worker may reserve beyond its heap: the JVM reserves about 3 GiB more than
     * its heap (class space, code cache, thread stacks, Truffle's), measured from {@code /proc}; the
     * rest is room. It bounds native allocations, which the heap limit does not see.
     */
    static final long ADDRESS_SPACE_BEYOND_HEAP = 6L << 30;

    /** Nothing added: the command runs as the service would start it. */
    static final Confinement NONE = new Confinement(List.of(), false, null, "not asked for");

    /** The value of {@code agentry.sandbox.worker-user} that keeps workers on the service's account. */
    static final String SERVICE_ACCOUNT = "service";

    /**
     * Ways to enter a new network namespace, tried in order: directly (the service runs as root, or
     * with CAP_SYS_ADMIN), then inside a user namespace of its own, which an unprivileged service may
     * create where the kernel allows it.
     */
    private static final List<List<String>> NAMESPACES =
            List.of(List.of("unshare", "--net", "--"), List.of("unshare", "--user", "--map-root-user", "--net", "--"));

    /** What the machine allows, tried once: the same for every launcher. */
    private static volatile Confinement machine;

    /** The namespace and the limits, without another account. */
    static Confinement machine() {
        Confinement found = machine;
        if (found == null) {
            synchronized (Confinement.class) {
                found = machine;
                if (found == null) {
                    found = probeMachine();
                    machine = found;
                }
            }
        }
        return found;
    }

    private static Confinement probeMachine() {
        if (!linux()) {
            return new Confinement(List.of(), false, null, "not Linux");
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
        return new Confinement(network, works(limitsPrefix(List.of("true"))), null, "not asked for");
    }

    /**
     * What workers get here: {@link #machine()}, and the account {@code user} when the service runs as
     * root and that account can read every file a worker needs ({@code needed}: the JDK, the worker's
     * jars, its AOT cache).
     */
    static Confinement detect(String user, List<Path> needed) {
        Confinement base = machine();
        if (SERVICE_ACCOUNT.equals(user)) {
            return base.withAccount(null, "agentry.sandbox.worker-user is '" + SERVICE_ACCOUNT + "'");
        }
        if (!linux()) {
            return base.withAccount(null, "not Linux");
        }
        if (serviceUid() != 0) {
            return base.withAccount(
                    null,
                    "the service does not run as root, so it cannot switch workers to another account; run"
                            + " the service in a container or as a dedicated account");
        }
        Account account = lookUp(user);
        if (account == null) {
            return base.withAccount(
                    null, "there is no account '" + user + "'; create it or set agentry.sandbox.worker-user");
        }
        if (!works(List.of("setpriv", "--version"))) {
            return base.withAccount(
                    null, "setpriv (util-linux) is not installed; install it to run workers as '" + user + "'");
        }
        List<String> probe = new ArrayList<>(accountPrefix(account));
        probe.add("test");
        for (int i = 0; i < needed.size(); i++) {
            if (i > 0) {
                probe.add("-a");
            }
            probe.add("-r");
            probe.add(needed.get(i).toString());
        }
        if (!works(probe)) {
            return base.withAccount(
                    null,
                    "the account '" + user + "' cannot read the JDK or the worker ("
                            + needed.getLast().getParent() + "); install Agentry where other accounts can read it");
        }
        return base.withAccount(account, null);
    }

    private Confinement withAccount(Account account, String note) {
        return new Confinement(networkPrefix, limits, account, note);
    }

    private static boolean linux() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
    }

    /** The service's own user id: the owner of its {@code /proc/self}, or -1 when unknown. */
    private static int serviceUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return -1;
        }
    }

    /** The account's numbers as {@code id} gives them (it consults every user database the machine has). */
    private static Account lookUp(String user) {
        if (!user.matches("[a-z_][a-z0-9_.-]{0,31}")) {
            return null;
        }
        try {
            int uid = Integer.parseInt(output(List.of("id", "-u", user)));
            int gid = Integer.parseInt(output(List.of("id", "-g", user)));
            return uid == 0 ? null : new Account(user, uid, gid);
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    private static String output(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + text);
            }
            return text;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            process.destroyForcibly();
        }
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
                "--nproc=" + PROCESSES + ":" + PROCESSES));
        long heap = heapBytes(command);
        if (heap > 0) {
            long space = heap + ADDRESS_SPACE_BEYOND_HEAP;
            wrapped.add("--as=" + space + ":" + space);
        }
        wrapped.add("--");
        wrapped.addAll(command);
        return wrapped;
    }

    /** The heap a JVM command asks for with {@code -Xmx<n>m}, as every worker command does; 0 if none. */
    static long heapBytes(List<String> command) {
        for (String option : command) {
            if (option.startsWith("-Xmx") && option.endsWith("m")) {
                try {
                    return Long.parseLong(option.substring(4, option.length() - 1)) << 20;
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    /**
     * Switches to {@code account} with no supplementary groups and no way back to more privileges
     * (setuid programs do not elevate); a root process that changes its user ids loses its capabilities.
     */
    private static List<String> accountPrefix(Account account) {
        return List.of(
                "setpriv",
                "--reuid=" + account.uid(),
                "--regid=" + account.gid(),
                "--clear-groups",
                "--no-new-privs",
                "--");
    }

    /** {@code command} started inside what this confinement provides. */
    List<String> wrap(List<String> command) {
        List<String> wrapped = new ArrayList<>();
        // The namespace first: entering one needs the service's privileges, which the switch drops.
        wrapped.addAll(networkPrefix);
        if (limits) {
            List<String> prefix = limitsPrefix(command);
            wrapped.addAll(prefix.subList(0, prefix.size() - command.size()));
        }
        if (account != null) {
            wrapped.addAll(accountPrefix(account));
        }
        wrapped.addAll(command);
        return wrapped;
    }

    String describe() {
        return "network namespace of their own: "
                + (network()
                        ? "yes (" + String.join(" ", networkPrefix.subList(0, networkPrefix.size() - 1)) + ")"
                        : "no (unshare --net is not permitted here)")
                + "; resource limits (" + OPEN_FILES + " open files, files up to " + (FILE_BYTES >> 20)
                + " MiB, no core dumps, " + PROCESSES + " processes per account, address space of the heap plus "
                + (ADDRESS_SPACE_BEYOND_HEAP >> 30) + " GiB): "
                + (limits ? "yes" : "no (prlimit is not available here)")
                + "; account: "
                + (account != null
                        ? "'" + account.name() + "' (uid " + account.uid() + "), not the service's"
                        : "the service's (" + accountNote + ")")
                + "; environment: empty but TZ and the locale; working folder: private";
    }
}
