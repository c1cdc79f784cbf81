package dev.agentry.sandbox.worker.guest;

/**
 * Code a worker runs while it has nothing else to do, so that the engine's common paths are loaded
 * and compiled before real executions need them: the first executions of a cold engine take seconds.
 * It never delays a real execution: the worker says it is ready before warming, and runs a warm-up
 * round only when no execution is waiting.
 */
final class WarmUp {

    private static final String CORPUS = """
            const rows = Array.from({length: 200}, (_, i) => ({id: 'r' + i, amount: i * 7 % 13, tags: ['a', 'b']}));
            const total = rows.reduce((sum, row) => sum + row.amount, 0);
            const byTag = new Map();
            for (const row of rows) { for (const tag of row.tags) { byTag.set(tag, (byTag.get(tag) || 0) + 1); } }
            const text = JSON.stringify({total, tags: Object.fromEntries(byTag), sample: rows.slice(0, 3)});
            const parsed = JSON.parse(text);
            const words = 'the quick brown fox jumps over the lazy dog'.split(' ').map(w => w.toUpperCase()).sort();
            const matches = /(\\w+)@(\\w+)\\.com/.exec('contact: dana@acme.com');
            class Account { constructor(name) { this.name = name; } get label() { return `${this.name}!`; } }
            let s = 0; for (let i = 0; i < 20000; i++) { s += i % 7; }
            try { null.x; } catch (e) { s += e instanceof TypeError ? 1 : 0; }
            const [first, ...rest] = words; const {total: t2} = parsed;
            ({s, t2, first, rest: rest.length, label: new Account('acme').label, m: matches[2], d: new Date(0).toISOString()});
            """;

    /** Rounds of the corpus a worker runs in its idle time, loading and compiling the common paths. */
    static final int CORPUS_ROUNDS = 10;
    /**
     * Then short executions, until creating a context (most of a small execution's cost) has been
     * compiled: it takes a few thousand before an execution settles at about half a millisecond.
     */
    private static final int LIGHT_ROUNDS = 4000;
    /** Warm-up executions in all; a worker that has run them does no more. */
    static final int ROUNDS = CORPUS_ROUNDS + LIGHT_ROUNDS;
    /** Rounds of a training run for the AOT cache: the corpus and a few light ones load what executions use. */
    static final int TRAINING_ROUNDS = CORPUS_ROUNDS + 20;

    private static final Protocol.Execute LIGHT = new Protocol.Execute(
            0,
            "({ok: [1, 2, 3].map(x => x + 1).length})",
            null,
            "[\"warm.up\"]",
            10_000,
            1_000_000L,
            1024,
            0,
            1024,
            512L * 1024 * 1024);

    private static final Protocol.Execute EXECUTION = new Protocol.Execute(
            0, CORPUS, null, "[]", 10_000, 100_000_000L, 64 * 1024, 0, 256 * 1024, 512L * 1024 * 1024);

    private WarmUp() {}

    private static final Protocol.Execute FIRST =
            new Protocol.Execute(0, "1 + 1", null, "[]", 60_000, 1_000_000L, 1024, 0, 1024, 512L * 1024 * 1024);

    /** Creates the first context, which sets up the JavaScript realm for the engine: about a second cold. */
    static void prime(GuestEngine engine) {
        engine.execute(FIRST, (id, call, tool, arguments, stop) -> GuestEngine.error("no tools"));
    }

    /** Runs warm-up execution number {@code round}, counting from 0 to {@link #ROUNDS}. */
    static void round(GuestEngine engine, int round) {
        engine.execute(
                round < CORPUS_ROUNDS ? EXECUTION : LIGHT,
                (id, call, tool, arguments, stop) -> GuestEngine.error("no tools"));
    }
}
