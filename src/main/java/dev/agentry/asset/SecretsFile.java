package dev.agentry.asset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file of {@code NAME=value} lines (the dotenv format: {@code #} comments, an optional
 * {@code export}, values optionally in single or double quotes) that gives {@code ${NAME}} its value
 * where the environment does not. It must live outside the project folder, so that it is never
 * committed with the agents and toolsets that use it.
 */
public final class SecretsFile {

    private static final Pattern LINE = Pattern.compile("(?:export\\s+)?([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(.*)");

    private SecretsFile() {}

    /**
     * Reads {@code file}.
     *
     * @param project the folder the service runs in; the file must be outside it
     * @param assetFolders the asset folders, wherever they are; the file must be outside each
     * @throws IllegalStateException naming the file, the line and the fix
     */
    public static Variables read(Path file, Path project, List<Path> assetFolders) {
        Path real;
        try {
            real = file.toRealPath();
        } catch (IOException e) {
            throw new IllegalStateException("agentry.secrets-file: " + file + " cannot be read (" + e.getMessage()
                    + "); create it or unset AGENTRY_SECRETS_FILE");
        }
        Path root = project.toAbsolutePath().normalize();
        try {
            root = project.toRealPath();
        } catch (IOException e) {
            // compare with the normalised path
        }
        if (real.startsWith(root)) {
            throw new IllegalStateException("agentry.secrets-file: " + file + " is inside the project folder " + root
                    + "; move it outside (for example ~/.config/agentry/secrets.env), where it cannot be committed"
                    + " with the assets");
        }
        for (Path folder : assetFolders) {
            Path assets = realOrNormal(folder);
            if (real.startsWith(assets)) {
                throw new IllegalStateException(
                        "agentry.secrets-file: " + file + " is inside the asset folder " + assets
                                + "; move it outside (for example ~/.config/agentry/secrets.env), where no asset reader or"
                                + " copy of the folder reaches it");
            }
        }
        refuseIfShared(real);
        List<String> lines;
        try {
            lines = Files.readAllLines(real, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("agentry.secrets-file: " + file + " cannot be read: " + e.getMessage());
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher matcher = LINE.matcher(line);
            if (!matcher.matches()) {
                throw new IllegalStateException("agentry.secrets-file: " + file + ":" + (i + 1)
                        + ": is not NAME=value; write one variable per line, such as OPENAI_API_KEY=sk-...");
            }
            values.put(matcher.group(1), unquote(matcher.group(2).strip()));
        }
        return Variables.of(values);
    }

    private static String unquote(String value) {
        if (value.length() >= 2
                && ((value.startsWith("\"") && value.endsWith("\""))
                        || (value.startsWith("'") && value.endsWith("'")))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    /** Refuses a file that users other than its owner can read: it holds every credential Agentry uses. */
    private static void refuseIfShared(Path file) {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException | IOException e) {
            return; // not a POSIX file system: its own access rules apply
        }
        if (permissions.contains(PosixFilePermission.GROUP_READ)
                || permissions.contains(PosixFilePermission.OTHERS_READ)) {
            throw new IllegalStateException("agentry.secrets-file: " + file + " can be read by other users ("
                    + java.nio.file.attribute.PosixFilePermissions.toString(permissions) + "); chmod 600 it");
        }
    }

    private static Path realOrNormal(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }
}
