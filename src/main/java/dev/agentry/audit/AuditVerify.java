package dev.agentry.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

/**
 * The offline verifier: {@code ./agentry audit verify <export.ndjson> --public-key <file> [--checkpoints
 * <file>]}. Needs neither the service nor its database: only an export, the public key, and optionally
 * checkpoints kept elsewhere. Exits 0 when intact, 1 naming the first bad record, 2 when it cannot run.
 */
public final class AuditVerify {

    private AuditVerify() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path export = null;
        Path publicKey = null;
        Path checkpoints = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--public-key" -> publicKey = i + 1 < args.length ? Path.of(args[++i]) : null;
                case "--checkpoints" -> checkpoints = i + 1 < args.length ? Path.of(args[++i]) : null;
                default -> export = export == null ? Path.of(args[i]) : export;
            }
        }
        if (export == null || publicKey == null) {
            err.println("usage: ./agentry audit verify <export.ndjson> --public-key <public-key.pem>"
                    + " [--checkpoints <checkpoints.ndjson>]");
            err.println("  the export comes from GET /v1/audit/export, the key from GET /v1/audit/public-key");
            return 2;
        }
        try {
            PublicKey key = SigningKey.readPublic(Files.readString(publicKey), publicKey);
            List<Checkpoint> kept = checkpoints == null ? List.of() : kept(checkpoints);
            ChainVerifier verifier = new ChainVerifier(key, kept);
            try (BufferedReader lines = Files.newBufferedReader(export, StandardCharsets.UTF_8)) {
                lines.lines().forEach(verifier::accept);
            }
            Verification result = verifier.finish();
            if (result.ok()) {
                out.printf(
                        "OK: %d records, %d checkpoint%s verified in %s%n",
                        result.records(), result.checkpoints(), result.checkpoints() == 1 ? "" : "s", export);
                return 0;
            }
            out.printf(
                    "BAD: record %d: %s (%d records verified before it)%n",
                    result.firstBad().seq(), result.firstBad().reason(), result.records());
            return 1;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            err.println("agentry audit verify: " + e.getMessage());
            return 2;
        }
    }

    private static List<Checkpoint> kept(Path file) throws IOException {
        List<Checkpoint> kept = new ArrayList<>();
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                kept.add(Checkpoint.of(json.readTree(line)));
            }
        }
        return kept;
    }
}
