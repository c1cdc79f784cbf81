import com.sun.management.OperatingSystemMXBean;
import dev.langchain4j.code.graalvm.GraalVmJavaScriptExecutionEngine;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The peer's side of the code-execution benchmark, run in a JVM of its own on the peer's classpath:
 * langchain4j's GraalVmJavaScriptExecutionEngine on the same snippets as Agentry. Prints one line of
 * JSON with its figures. Usage: java -cp <peer classpath> PeerBench.java <warm-up counts, comma-separated>
 */
public class PeerBench {

    static final String SMALL = "const a = Array.from({length: 1000}, (_, i) => i);"
            + " JSON.stringify({sum: a.reduce((x, y) => x + y, 0)})";
    static final String CPU = "let s = 0; for (let i = 0; i < 10000000; i++) { s += i % 7 } s";
    static final String FOREVER = "while (true) {}";
    /** Small executions over which CPU per execution is measured, as CodeBench does. */
    static final int CPU_WINDOW = 5_000;

    public static void main(String[] args) throws Exception {
        GraalVmJavaScriptExecutionEngine engine = new GraalVmJavaScriptExecutionEngine();
        check(engine.execute(SMALL), "{\"sum\":499500}");
        // The small snippet's p50 after each number of warm-up executions on the command line.
        StringJoiner smallP50 = new StringJoiner(", ", "[", "]");
        int warmedUp = 0;
        for (String checkpoint : args[0].split(",")) {
            for (int target = Integer.parseInt(checkpoint); warmedUp < target; warmedUp++) {
                engine.execute(SMALL);
            }
            double[] small = new double[1_000];
            for (int i = 0; i < small.length; i++) {
                long t0 = System.nanoTime();
                engine.execute(SMALL);
                small[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(small);
            smallP50.add(String.format(Locale.ROOT, "%.3f", small[small.length / 2]));
        }

        // CPU per small execution, all the JVM's threads (the compiler's included), over a longer window.
        long cpuBefore = processCpuNanos();
        for (int i = 0; i < CPU_WINDOW; i++) {
            engine.execute(SMALL);
        }
        double smallCpuMicros = (processCpuNanos() - cpuBefore) / 1e3 / CPU_WINDOW;

        check(engine.execute(CPU), "29999994");
        double[] cpu = new double[3];
        for (int i = 0; i < cpu.length; i++) {
            long t0 = System.nanoTime();
            engine.execute(CPU);
            cpu[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(cpu);

        double throughput = throughput(engine, 2, 10_000);

        AtomicBoolean returned = new AtomicBoolean();
        Thread forever = Thread.ofPlatform().daemon().start(() -> {
            engine.execute(FOREVER);
            returned.set(true);
        });
        forever.join(5_000);

        System.out.printf(
                Locale.ROOT,
                "{\"smallP50Ms\": %s, \"smallCpuMicros\": %.1f, \"cpuMedianMs\": %.1f, \"throughputPerSecond\": %.1f,"
                        + " \"infiniteLoopReturnedWithin5s\": %s, \"jvm\": \"%s\"}%n",
                smallP50, smallCpuMicros, cpu[cpu.length / 2], throughput, returned.get(), Runtime.version());
        System.exit(0);
    }

    private static double throughput(GraalVmJavaScriptExecutionEngine engine, int threads, long millis)
            throws InterruptedException {
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + millis * 1_000_000;
        CountDownLatch finished = new CountDownLatch(threads);
        List<Thread> workers = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofPlatform().start(() -> {
                while (System.nanoTime() < end) {
                    engine.execute(SMALL);
                    done.incrementAndGet();
                }
                finished.countDown();
            }));
        }
        finished.await();
        return done.get() / ((System.nanoTime() - t0) / 1e9);
    }

    private static long processCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void check(String actual, String expected) {
        if (!expected.equals(actual)) {
            throw new IllegalStateException("the peer answered " + actual + ", expected " + expected);
        }
    }
}
