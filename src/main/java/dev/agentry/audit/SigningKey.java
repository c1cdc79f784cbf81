package dev.agentry.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The Ed25519 key that signs checkpoints: read from a PKCS#8 PEM file, or made on first start and
 * written there readable by its owner only. Its public half is what verifiers are given.
 */
public final class SigningKey {

    private static final String PRIVATE = "PRIVATE KEY";
    private static final String PUBLIC = "PUBLIC KEY";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private SigningKey(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /**
     * The key in {@code file}, made there first if the file does not exist. The file holds the
     * private key (PKCS#8) and, after it, the public key (X.509 SubjectPublicKeyInfo), both in PEM.
     *
     * @throws IllegalStateException naming the file and the fix when it cannot be read or written
     */
    public static SigningKey loadOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                String text = Files.readString(file);
                if (!text.contains("-----BEGIN " + PUBLIC + "-----")) {
                    throw new IllegalArgumentException(
                            "it holds no public key; append it with: openssl pkey -in " + file + " -pubout >> " + file);
                }
                KeyFactory keys = KeyFactory.getInstance("Ed25519");
                SigningKey key = new SigningKey(
                        keys.generatePrivate(new PKCS8EncodedKeySpec(pem(text, PRIVATE, file))),
                        keys.generatePublic(new X509EncodedKeySpec(pem(text, PUBLIC, file))));
                byte[] probe = "agentry".getBytes(StandardCharsets.US_ASCII);
                if (!verifies(key.publicKey, probe, key.sign(probe))) {
                    throw new IllegalArgumentException("its public key is not the private key's");
                }
                return key;
            }
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(
                    file,
                    toPem(PRIVATE, pair.getPrivate().getEncoded())
                            + toPem(PUBLIC, pair.getPublic().getEncoded()),
                    StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // the file system has no POSIX permissions; its own rules apply
            }
            return new SigningKey(pair.getPrivate(), pair.getPublic());
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "cannot use the audit signing key " + file + ": " + e.getMessage()
                            + "; point agentry.audit.signing-key-file at an Ed25519 key in PEM (private, then public), or"
                            + " remove the file to have a new key made",
                    e);
        }
    }

    public String publicPem() {
        return toPem(PUBLIC, publicKey.getEncoded());
    }

    /** Base64 Ed25519 signature of {@code message}. */
    String sign(byte[] message) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(privateKey);
            signature.update(message);
            return Base64.getEncoder().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign an audit checkpoint: " + e.getMessage(), e);
        }
    }

    /** Reads a public key in PEM ({@code -----BEGIN PUBLIC KEY-----}). */
    public static PublicKey readPublic(String text, Path source) throws GeneralSecurityException {
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(pem(text, PUBLIC, source)));
    }

    /** Whether {@code signature} (base64) is {@code publicKey}'s signature of {@code message}. */
    public static boolean verifies(PublicKey publicKey, byte[] message, String signature) {
        try {
            Signature check = Signature.getInstance("Ed25519");
            check.initVerify(publicKey);
            check.update(message);
            return check.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    private static byte[] pem(String text, String kind, Path source) {
        String begin = "-----BEGIN " + kind + "-----";
        String end = "-----END " + kind + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException(source + " holds no " + begin + " block");
        }
        return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    }

    private static String toPem(String kind, byte[] der) {
        return "-----BEGIN " + kind + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + kind + "-----\n";
    }
}
