package dev.agentry.sandbox.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.agentry.sandbox.ExecutionResult;
import dev.agentry.sandbox.SandboxProfile;
import dev.agentry.sandbox.ToolBridge;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Guest code that attacks the sandbox, each case against real worker processes, both kinds: workers
 * with the optimizing compiler, and interpreter-only workers as pools start them first (quick
 * workers, from the AOT cache). For every case: the attack ends as expected, an unrelated execution
 * running at the same time is unaffected, the next execution works, the service's own heap does not
 * absorb the attack (the service's threads together allocate less than 32 MiB during the case: what
 * is never allocated cannot be retained, and no full collection is needed to tell, which in a test
 * JVM that has hosted the service costs seconds), and nothing the guest can see names a host class.
 */
class SandboxAttackTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HOST_NAMES =
            Pattern.compile("java\\.|javax\\.|com\\.oracle|org\\.graalvm|dev\\.agentry");
    private static final SandboxProfile PROFILE =
            Sandboxes.profile("attack", Duration.ofSeconds(3), 20_000_000L, 2, "crm.find");
    private static final String BYSTANDER = "let s = 0; for (let i = 0; i < 100000; i++) { s += i } s";

    /** One kind of worker at a time: two pools side by side would starve each other on two cores. */
    private static String running;

    private static WorkerSandbox sandbox;

    @AfterAll
    static void stop() {
        if (sandbox != null) {
            sandbox.stop(null);
        }
    }

    /** Every attack against workers with the compiler, then every attack against interpreter-only ones. */
    static Stream<Arguments> attacksOnEachKind() {
        return Stream.of("optimizing", "interpreter")
                .flatMap(kind -> attacks().map(attack -> Arguments.of(kind, attack)));
    }

    /** The sandbox for {@code wanted}, started when the cases of that kind begin (the other one is stopped). */
    private static WorkerSandbox sandbox(String wanted) {
        if (!wanted.equals(running)) {
            stop();
            sandbox = wanted.equals("optimizing") ? Sandboxes.start() : Sandboxes.startInterpreter();
            running = wanted;
            assertThat(run(sandbox, "1 + 1")).isInstanceOf(ExecutionResult.Completed.class);
        }
        return sandbox;
    }

    /** What an attack must end as. */
    record Attack(String name, String source, Predicate<ExecutionResult> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Predicate<ExecutionResult> limit(String... limits) {
        Set<String> allowed = Set.of(limits);
        return result -> result instanceof ExecutionResult.Stopped stopped && allowed.contains(stopped.limit());
    }

    private static Predicate<ExecutionResult> error(String fragment) {
        return result -> result instanceof ExecutionResult.Failed failed
                && failed.error().contains(fragment);
    }

    private static Predicate<ExecutionResult> value(JsonNode expected) {
        return result -> result instanceof ExecutionResult.Completed completed
                && completed.value().equals(expected);
    }

    static Stream<Attack> attacks() {
        return Stream.of(
                // host access
                new Attack(
                        "host objects and loaders are absent",
                        "['Java','Polyglot','Packages','java','javax','load','loadWithNewGlobal','print','printErr',"
                                + "'quit','exit','readline','readFully','read','require','process','module','Graal',"
                                + "'Debug','setTimeout','setInterval','fetch','XMLHttpRequest','importScripts','Worker',"
                                + "'Deno','Bun','__agentry_call'].filter(n => typeof globalThis[n] !== 'undefined')",
                        value(JSON.createArrayNode())),
                new Attack(
                        "Java.type", "Java.type('java.lang.Runtime').getRuntime().exec('id')", error("ReferenceError")),
                new Attack("Polyglot.eval", "Polyglot.eval('python', 'import os')", error("ReferenceError")),
                new Attack("load a file", "load('/etc/passwd')", error("ReferenceError")),
                new Attack(
                        "dynamic import", "import('fs').then(fs => fs.readFileSync('/etc/passwd'))", error("rejected")),
                new Attack(
                        "the Function constructor only reaches the guest's own global",
                        "Function('return this')() === globalThis && Function('return Java')()",
                        error("ReferenceError")),
                new Attack(
                        "the tools' host function is out of reach",
                        "[Object.getOwnPropertyNames(tools.crm.find).join(), String(tools.crm.find).includes('call(id')]",
                        value(arrayOf(
                                new TextNode("length,name,prototype"),
                                com.fasterxml.jackson.databind.node.BooleanNode.TRUE))),
                // time
                new Attack("an infinite loop", "while (true) {}", limit("statements", "timeout")),
                new Attack(
                        "a loop that swallows interrupts",
                        "for (;;) { try { while (true) {} } catch (e) {} }",
                        limit("statements", "timeout")),
                new Attack(
                        "catastrophic backtracking",
                        "/^(a|aa)+\\1$/.test('a'.repeat(60) + 'b')",
                        limit("timeout", "statements")
                                .or(value(com.fasterxml.jackson.databind.node.BooleanNode.FALSE))),
                // memory
                new Attack(
                        "growing arrays",
                        "const a = []; while (true) a.push(new Array(100000).fill(1))",
                        limit("memory", "timeout", "statements")),
                new Attack(
                        "string doubling",
                        "let s = 'x'; while (true) s += s",
                        limit("memory").or(error("Invalid string length"))),
                new Attack(
                        "typed arrays",
                        "const k = []; while (true) k.push(new Float64Array(1 << 20))",
                        // Usually the heap watchdog's "memory"; while replacement workers start beside it
                        // on two cores, the collector can be starved long enough for the deadline to win.
                        limit("memory", "timeout")),
                new Attack(
                        "a map of objects",
                        "const m = new Map(); for (let i = 0; ; i++) m.set(i, {i, s: 'v' + i})",
                        limit("memory", "statements", "timeout")),
                new Attack(
                        "one huge buffer",
                        "new ArrayBuffer(2 ** 31 - 1).byteLength",
                        limit("memory").or(error("RangeError"))),
                // stack
                new Attack(
                        "deep recursion", "function f() { return f() } f()", error("Maximum call stack size exceeded")),
                new Attack(
                        "recursion that catches the overflow and retries",
                        "let d = 0; function g() { try { return g() } catch (e) { d++; return d < 50 ? g() : d } } g() + 1",
                        error("Maximum call stack size exceeded")),
                // output
                new Attack("a console flood", "for (let i = 0; ; i++) console.log('line ' + i)", limit("output")),
                new Attack("one huge line", "console.log('x'.repeat(10_000_000))", limit("output")),
                new Attack("a stderr flood", "for (;;) console.error('e'.repeat(100))", limit("output")),
                // promises
                new Attack(
                        "a microtask flood",
                        "(function loop() { Promise.resolve().then(loop) })(); 1",
                        limit("statements", "timeout")),
                new Attack(
                        "an async busy loop",
                        "(async () => { for (;;) await null })()",
                        limit("statements", "timeout")),
                new Attack("a Promise that never settles", "new Promise(() => {})", error("never settled")),
                // the tool bridge
                new Attack("a tool that is not offered", "tools.crm.delete({})", error("TypeError")),
                new Attack("a toolset that is not offered", "tools.billing.charge({})", error("TypeError")),
                new Attack(
                        "oversized arguments",
                        "tools.crm.find({q: 'x'.repeat(1_000_000)})",
                        error("are longer than 65536 characters")),
                new Attack(
                        "arguments that are not JSON",
                        "tools.crm.find(() => 1)",
                        error("takes a JSON value as its argument")),
                new Attack("BigInt arguments", "tools.crm.find({n: 10n})", error("TypeError")),
                new Attack(
                        "deeply nested arguments",
                        "let o = {}, c = o; for (let i = 0; i < 20000; i++) { c.a = {}; c = c.a } tools.crm.find(o)",
                        error("").or(limit("statements", "timeout"))),
                new Attack(
                        "a getter that never returns",
                        "tools.crm.find({ get q() { while (true) {} } })",
                        limit("statements", "timeout")),
                new Attack(
                        "a getter that calls tools while being serialised",
                        "tools.crm.find({ get q() { return tools.crm.find({q: 'inner'}).echo.q } }).echo",
                        value(JSON.createObjectNode().put("q", "inner"))),
                new Attack(
                        "a Proxy that traps forever",
                        "tools.crm.find(new Proxy({}, { ownKeys() { while (true) {} } }))",
                        limit("statements", "timeout")),
                new Attack(
                        "a flood of tool calls",
                        "for (let i = 0; i < 1000; i++) tools.crm.find({q: i})",
                        limit("tool-calls")),
                new Attack(
                        "replacing JSON does not fool the bridge",
                        "JSON.stringify = () => '\"forged\"'; JSON.parse = () => ({forged: true}); tools.crm.find({q: 7}).echo.q",
                        value(com.fasterxml.jackson.databind.node.IntNode.valueOf(7))),
                new Attack(
                        "the tools object cannot be replaced",
                        "tools.crm.find = null; delete globalThis.tools; typeof tools.crm.find",
                        value(new TextNode("function"))),
                // the result
                new Attack("a huge result", "'x'.repeat(1_000_000)", limit("result")),
                new Attack("a circular result", "const a = {}; a.self = a; a", error("circular")));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("attacksOnEachKind")
    void an_attack_ends_its_own_execution_and_nothing_else(String kind, Attack attack) throws Exception {
        WorkerSandbox sandbox = sandbox(kind);
        long allocatedBefore = allocated();
        CompletableFuture<ExecutionResult> bystander = CompletableFuture.supplyAsync(() -> run(sandbox, BYSTANDER));

        ExecutionResult result = run(sandbox, attack.source());

        assertThat(result).as("%s ended as %s", attack.name(), result).matches(attack.expected());
        assertThat(visibleText(result)).doesNotContainPattern(HOST_NAMES);
        assertThat(bystander.get(60, TimeUnit.SECONDS)).matches(value(LongNode.valueOf(4999950000L)));
        assertThat(run(sandbox, "[1, 2, 3].map(x => x * 2)")).matches(value(JSON.readTree("[2,4,6]")));
        assertThat(allocated() - allocatedBefore)
                .as("bytes the service allocated during the attack")
                .isLessThan(32L * 1024 * 1024);
    }

    private static ExecutionResult run(WorkerSandbox sandbox, String source) {
        return Sandboxes.run(sandbox, PROFILE, source, null, List.of("crm.find"), EchoTools.INSTANCE);
    }

    /** crm.find answers {"echo": <arguments>} and counts its calls. */
    private enum EchoTools implements ToolBridge {
        INSTANCE;

        private final AtomicInteger calls = new AtomicInteger();

        @Override
        public String call(String tool, String arguments) {
            calls.incrementAndGet();
            return tool.equals("crm.find")
                    ? "{\"result\":{\"echo\":" + arguments + "}}"
                    : "{\"error\":\"unknown tool\"}";
        }
    }

    private static JsonNode arrayOf(JsonNode... values) {
        var array = JSON.createArrayNode();
        for (JsonNode value : values) {
            array.add(value);
        }
        return array;
    }

    private static String visibleText(ExecutionResult result) {
        String text = result.stdout() + result.stderr();
        return switch (result) {
            case ExecutionResult.Completed completed -> text + completed.value();
            case ExecutionResult.Failed failed -> text + failed.error();
            case ExecutionResult.Stopped stopped -> text + stopped.message();
        };
    }

    /** Bytes allocated on the heap by every thread of this JVM so far. */
    private static long allocated() {
        long bytes =
                ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getTotalThreadAllocatedBytes();
        assertThat(bytes).as("the JVM measures allocation").isNotNegative();
        return bytes;
    }
}
