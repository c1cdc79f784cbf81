package dev.agentry.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint key: made once, readable by its owner only, the same key on every later start. */
class SigningKeyTest {

    @TempDir
    Path dir;

    static PublicKey publicKey(AuditTrail trail) {
        try {
            return SigningKey.readPublic(trail.publicKey(), Path.of("served"));
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void a_key_made_on_first_start_is_private_to_its_owner_and_read_back_unchanged() throws Exception {
        Path file = dir.resolve("data/key.pem");

        SigningKey made = SigningKey.loadOrCreate(file);
        SigningKey read = SigningKey.loadOrCreate(file);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(read.publicPem()).isEqualTo(made.publicPem());
        byte[] message = "m".getBytes(StandardCharsets.UTF_8);
        assertThat(SigningKey.verifies(made.publicKey(), message, read.sign(message)))
                .isTrue();
    }

    @Test
    void a_key_file_without_its_public_key_is_refused_with_the_command_that_fixes_it() throws Exception {
        Path file = dir.resolve("key.pem");
        SigningKey.loadOrCreate(file);
        String text = Files.readString(file);
        Files.writeString(file, text.substring(0, text.indexOf("-----BEGIN PUBLIC KEY-----")));

        assertThatThrownBy(() -> SigningKey.loadOrCreate(file))
                .hasMessageContaining(
                        "it holds no public key; append it with: openssl pkey -in " + file + " -pubout >> " + file);
    }
}
