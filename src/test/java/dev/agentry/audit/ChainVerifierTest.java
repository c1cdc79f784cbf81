package dev.agentry.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentry.access.Actor;
import dev.agentry.audit.jdbc.JdbcJournal;
import dev.agentry.store.StoreDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chain on a real H2 journal, exported and checked the way an auditor would: offline, with only
 * the public key. Each kind of tampering is caught and named at the first bad record.
 */
class ChainVerifierTest {

    @TempDir
    Path dir;

    private StoreDatabase database;
    private JdbcJournal journal;
    private AuditTrail trail;

    @BeforeEach
    void open() {
        database = StoreDatabase.open("jdbc:h2:file:" + dir.resolve("store"), null, null, 4);
        journal = new JdbcJournal(database.dataSource(), Clock.systemUTC());
        trail = new AuditTrail(journal, config(dir.resolve("key.pem")), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        journal.close();
        database.close();
    }

    private static AuditConfig config(Path key) {
        return new AuditConfig() {
            @Override
            public String signingKeyFile() {
                return key.toString();
            }

            @Override
            public int checkpointEvery() {
                return 1000;
            }

            @Override
            public Duration checkpointInterval() {
                return Duration.ofHours(1);
            }

            @Override
            public Optional<String> checkpointFile() {
                return Optional.empty();
            }
        };
    }

    /** Ten records with a checkpoint after the fifth and after the tenth, exported. */
    private List<String> export() {
        for (int i = 1; i <= 10; i++) {
            journal.append(new Fact(
                    RecordType.TOOL_INTENT,
                    "run_1",
                    "billing",
                    Actor.SYSTEM,
                    Chain.object().put("n", i)));
            if (i == 5 || i == 10) {
                assertThat(trail.checkpointNow()).isPresent();
            }
        }
        StringWriter out = new StringWriter();
        trail.export(0, 0, out);
        return new ArrayList<>(out.toString().lines().toList());
    }

    private Verification verify(List<String> lines) {
        ChainVerifier verifier = new ChainVerifier(SigningKeyTest.publicKey(trail), List.of());
        lines.forEach(verifier::accept);
        return verifier.finish();
    }

    @Test
    void an_intact_export_verifies_with_every_record_and_checkpoint() {
        List<String> lines = export();

        assertThat(lines).hasSize(12);
        assertThat(verify(lines)).isEqualTo(new Verification(true, 10, 2, null));
        assertThat(trail.verify(0, 0)).isEqualTo(new Verification(true, 10, 2, null));
    }

    @Test
    void a_flipped_byte_is_caught_at_its_record() {
        List<String> lines = export();
        lines.set(2, lines.get(2).replace("\"n\":3", "\"n\":8"));

        assertThat(verify(lines).firstBad())
                .isEqualTo(new Verification.Problem(3, "the record's hash does not match its content (it was edited)"));
    }

    @Test
    void an_edit_with_a_recomputed_hash_is_caught_by_the_next_record() {
        List<String> lines = export();
        String[] split = Chain.split(lines.get(2)).orElseThrow();
        String forged = split[0].replace("\"n\":3", "\"n\":8");
        lines.set(2, Chain.line(forged, Chain.hash(forged)));

        assertThat(verify(lines).firstBad())
                .isEqualTo(new Verification.Problem(
                        4, "the record's prev is not the hash of record 3 (a record before it was replaced)"));
    }

    @Test
    void a_deleted_record_is_caught() {
        List<String> lines = export();
        lines.remove(7); // record 7: the checkpoint after record 5 is line 6

        assertThat(verify(lines).firstBad())
                .isEqualTo(new Verification.Problem(
                        7, "record 7 is missing: record 6 is followed by 8 (deleted or reordered)"));
    }

    @Test
    void two_swapped_records_are_caught() {
        List<String> lines = export();
        String third = lines.get(2);
        lines.set(2, lines.get(3));
        lines.set(3, third);

        assertThat(verify(lines).firstBad())
                .isEqualTo(new Verification.Problem(
                        3, "record 3 is missing: record 2 is followed by 4 (deleted or reordered)"));
    }

    @Test
    void a_tail_cut_off_before_the_last_checkpoint_is_caught() {
        List<String> lines = export();
        List<String> truncated = new ArrayList<>(lines.subList(0, 8));
        truncated.add(lines.getLast());

        assertThat(verify(truncated).firstBad())
                .isEqualTo(new Verification.Problem(
                        10, "the checkpoint at record 10 names a record the export lacks (truncated)"));
    }

    @Test
    void a_tail_cut_off_with_its_checkpoint_is_caught_by_a_checkpoint_kept_elsewhere() {
        List<String> lines = export();
        Checkpoint last = journal.lastCheckpoint().orElseThrow();
        ChainVerifier verifier = new ChainVerifier(SigningKeyTest.publicKey(trail), List.of(last));
        lines.subList(0, 6).forEach(verifier::accept);

        assertThat(verifier.finish().firstBad())
                .isEqualTo(new Verification.Problem(
                        6, "a kept checkpoint names record 10 but the export ends at 5 (truncated)"));
    }

    @Test
    void a_checkpoint_signed_with_another_key_is_caught() {
        List<String> lines = export();
        SigningKey other = SigningKey.loadOrCreate(dir.resolve("other.pem"));
        Checkpoint real = journal.lastCheckpoint().orElseThrow();
        String message = Checkpoint.message(real.seq(), real.hash(), real.at());
        Checkpoint resigned = new Checkpoint(
                real.seq(), real.hash(), real.at(), other.sign(message.getBytes(StandardCharsets.UTF_8)));
        lines.set(lines.size() - 1, resigned.line());

        assertThat(verify(lines).firstBad())
                .isEqualTo(new Verification.Problem(
                        10, "the checkpoint at record 10 is not signed by the public key (forged or re-signed)"));
    }

    @Test
    void a_checkpoint_whose_hash_was_altered_is_caught() {
        List<String> lines = export();
        Checkpoint real = journal.lastCheckpoint().orElseThrow();
        String altered =
                (real.hash().charAt(0) == '0' ? "1" : "0") + real.hash().substring(1);
        lines.set(lines.size() - 1, new Checkpoint(real.seq(), altered, real.at(), real.signature()).line());

        assertThat(verify(lines).firstBad())
                .isEqualTo(new Verification.Problem(
                        10, "the checkpoint at record 10 is not signed by the public key (forged or re-signed)"));
    }

    @Test
    void the_offline_command_exits_0_on_an_intact_export_and_1_naming_the_first_bad_record() throws Exception {
        List<String> lines = export();
        Path key = Files.writeString(dir.resolve("public.pem"), trail.publicKey());
        Path intact = Files.write(dir.resolve("intact.ndjson"), lines);
        lines.remove(3);
        Path tampered = Files.write(dir.resolve("tampered.ndjson"), lines);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);

        int ok = AuditVerify.run(new String[] {intact.toString(), "--public-key", key.toString()}, print, print);
        int bad = AuditVerify.run(new String[] {tampered.toString(), "--public-key", key.toString()}, print, print);
        int usage = AuditVerify.run(new String[] {intact.toString()}, print, print);

        assertThat(ok).isZero();
        assertThat(bad).isOne();
        assertThat(usage).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("OK: 10 records, 2 checkpoints verified in " + intact)
                .contains("BAD: record 4: record 4 is missing: record 3 is followed by 5 (deleted or reordered)");
    }
}
