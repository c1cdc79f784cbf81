package dev.agentry.asset;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One asset folder such as {@code agents/}: which YAML files it holds and which changed since the
 * last look. Only direct children ending in {@code .yaml} or {@code .yml} count; a symbolic link
 * counts only if it stays inside the folder (as Kubernetes ConfigMap mounts do).
 */
public final class AssetFolder {

    /** Names of agents, toolsets, policies and profiles: what a file's base name must be too. */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    private final Path dir;
    private final String display;
    private Map<Path, Fingerprint> known = Map.of();

    /** @param configured the folder as configured, relative to the working directory or absolute */
    public AssetFolder(String configured) {
        this.dir = Path.of(configured);
        this.display = configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
    }

    /** Files added or changed, and files removed, since the previous scan. */
    public record Changes(Set<Path> updated, Set<Path> removed) {
        public Changes {
            updated = Set.copyOf(updated);
            removed = Set.copyOf(removed);
        }

        public boolean isEmpty() {
            return updated.isEmpty() && removed.isEmpty();
        }
    }

    private record Fingerprint(long modified, long size) {}

    public Path dir() {
        return dir;
    }

    /** The file as users know it, for example {@code agents/billing.yaml}. */
    public String displayName(Path file) {
        return display + "/" + file.getFileName();
    }

    /** The asset name a file stands for: its base name without the YAML extension. */
    public static String baseName(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.lastIndexOf('.'));
    }

    public synchronized Changes scan() {
        Map<Path, Fingerprint> now = new HashMap<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{yaml,yml}")) {
                for (Path file : files) {
                    fingerprint(file).ifPresent(print -> now.put(file, print));
                }
            } catch (IOException e) {
                return new Changes(Set.of(), Set.of());
            }
        }
        Set<Path> updated = new HashSet<>();
        now.forEach((file, print) -> {
            if (!print.equals(known.get(file))) {
                updated.add(file);
            }
        });
        Set<Path> removed = new HashSet<>(known.keySet());
        removed.removeAll(now.keySet());
        known = Map.copyOf(now);
        return new Changes(updated, removed);
    }

    private Optional<Fingerprint> fingerprint(Path file) {
        try {
            if (Files.isSymbolicLink(file) && !file.toRealPath().startsWith(dir.toRealPath())) {
                return Optional.empty();
            }
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return Optional.empty();
            }
            BasicFileAttributes own = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            long modified = Math.max(
                    attributes.lastModifiedTime().toMillis(),
                    own.lastModifiedTime().toMillis());
            return Optional.of(new Fingerprint(modified, attributes.size()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
