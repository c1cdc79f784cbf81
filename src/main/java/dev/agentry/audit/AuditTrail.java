package dev.agentry.audit;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The journal as a whole: signs checkpoints as it grows, verifies stretches of it, exports them for the
 * offline verifier, and serves the public key that checks the signatures.
 */
@ApplicationScoped
public class AuditTrail {

    private static final Logger LOG = Logger.getLogger(AuditTrail.class);

    private final AuditStore store;
    private final AuditConfig config;
    private final Clock clock;
    private final SigningKey key;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("agentry-audit-checkpoints").daemon().factory());

    AuditTrail(AuditStore store, AuditConfig config, Clock clock) {
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.key = SigningKey.loadOrCreate(Path.of(config.signingKeyFile()));
    }

    void onStart(@Observes StartupEvent event) {
        long every = Math.min(1000, Math.max(50, config.checkpointInterval().toMillis() / 10));
        timer.scheduleWithFixedDelay(this::checkpointIfDue, every, every, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        timer.shutdownNow();
    }

    /** The public key checkpoints are signed with, in PEM. */
    public String publicKey() {
        return key.publicPem();
    }

    /** Signs a checkpoint over the current head if enough records or time have passed since the last one. */
    public Optional<Checkpoint> checkpointIfDue() {
        try {
            AuditStore.Head head = store.head();
            Optional<Checkpoint> last = store.lastCheckpoint();
            long since = head.seq() - last.map(Checkpoint::seq).orElse(0L);
            Instant now = clock.instant();
            boolean due = since >= config.checkpointEvery()
                    || (since > 0
                            && last.map(c -> !Duration.between(c.at(), now)
                                            .minus(config.checkpointInterval())
                                            .isNegative())
                                    .orElse(true));
            return due ? Optional.of(checkpoint(head, now)) : Optional.empty();
        } catch (RuntimeException e) {
            LOG.errorf("Signing an audit checkpoint failed; retrying: %s", e.getMessage());
            return Optional.empty();
        }
    }

    /** Signs and stores a checkpoint over the current head now, if there is a record to sign. */
    public Optional<Checkpoint> checkpointNow() {
        AuditStore.Head head = store.head();
        if (head.seq() == 0
                || store.lastCheckpoint().map(c -> c.seq() == head.seq()).orElse(false)) {
            return store.lastCheckpoint().filter(c -> c.seq() == head.seq());
        }
        return Optional.of(checkpoint(head, clock.instant()));
    }

    /** @param now truncated to milliseconds, which every store keeps exactly, since the time is signed */
    private Checkpoint checkpoint(AuditStore.Head head, Instant now) {
        Instant at = now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Checkpoint checkpoint = new Checkpoint(
                head.seq(),
                head.hash(),
                at,
                key.sign(Checkpoint.message(head.seq(), head.hash(), at)
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        store.addCheckpoint(checkpoint);
        config.checkpointFile().ifPresent(file -> keep(Path.of(file), checkpoint));
        return checkpoint;
    }

    private static void keep(Path file, Checkpoint checkpoint) {
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            Files.writeString(file, checkpoint.line() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.errorf(
                    "Could not append the checkpoint at record %d to %s: %s", checkpoint.seq(), file, e.getMessage());
        }
    }

    /** Verifies records {@code from} to {@code to} (0 for the head) and their checkpoints. */
    public Verification verify(long from, long to) {
        ChainVerifier verifier = new ChainVerifier(key.publicKey(), List.of());
        store.scan(
                Math.max(1, from),
                to <= 0 ? Long.MAX_VALUE : to,
                record -> verifier.accept(Chain.line(record.body(), record.hash())),
                checkpoint -> verifier.accept(checkpoint.line()));
        return verifier.finish();
    }

    /** Writes records {@code from} to {@code to} (0 for the head) and their checkpoints as NDJSON lines. */
    public void export(long from, long to, Writer out) {
        store.scan(
                Math.max(1, from),
                to <= 0 ? Long.MAX_VALUE : to,
                record -> write(out, Chain.line(record.body(), record.hash())),
                checkpoint -> write(out, checkpoint.line()));
    }

    private static void write(Writer out, String line) {
        try {
            out.write(line);
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
