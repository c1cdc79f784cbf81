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
import org.jboss.logging.Logger;

/**
 * A file of {@code NAME=value} lines (the dotenv format: {@code #} comments, an optional
 * {@code export}, values optionally in single or double quotes) that gives {@code ${NAME}} its value
 * where the environment does not. It must live outside the project folder, so that it is never
 * committed with the agents and toolsets that use it.
 */
public final class SecretsFile {

    private static final Logger LOG = Logger.getLogger(SecretsFile.class);
    private static final Pattern LINE = Pattern.compile("(?:export\\s+)?([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(.*)");

    private SecretsFile() {}

    /**
     * Reads {@code file}.
     *
     * @param project the folder the service runs in, which holds the assets; the file must be outside it
     * @throws IllegalStateException naming the file, the line and the fix
     */
    public static Variables read(Path file, Path project) {
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
        warnIfShared(real);
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

    private static void warnIfShared(Path file) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.contains(PosixFilePermission.GROUP_READ)
                    || permissions.contains(PosixFilePermission.OTHERS_READ)) {
                LOG.warnf("The secrets file %s can be read by other users; chmod 600 it", file);
            }
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: nothing to check
        }
    }
}
