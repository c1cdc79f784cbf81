package dev.agentry.asset;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The assets of one folder, kept current: each file is read when it appears or changes, and
 * dropped when it goes. A broken file becomes an {@link AssetEntry.Invalid} with its problem and
 * never affects the others. Readers get an immutable snapshot, so a reload never shows half a
 * folder.
 *
 * @param <T> the asset record, whose name must equal its file's base name
 */
public final class AssetCatalog<T> {

    private static final Logger LOG = Logger.getLogger(AssetCatalog.class);

    private final String kind;
    private final AssetFolder folder;
    private final Class<T> type;
    private final Function<T, String> nameOf;
    private final Variables variables;
    private final Redactor redactor;
    private final AssetEvents events;
    private final Consumer<T> check;
    private final AssetBinder binder = AssetBinder.create();
    private final Map<Path, AssetEntry<T>> byFile = new HashMap<>();
    private volatile Map<String, AssetEntry<T>> byName = Map.of();

    /**
     * @param kind what the folder holds, singular, for messages: {@code agent}, {@code toolset}
     */
    public AssetCatalog(
            String kind,
            AssetFolder folder,
            Class<T> type,
            Function<T, String> nameOf,
            Variables variables,
            Redactor redactor,
            AssetEvents events) {
        this(kind, folder, type, nameOf, variables, redactor, events, value -> {});
    }

    /**
     * @param check what a file must satisfy beyond its schema, run once when it loads; it throws a
     *     {@link FieldException} whose field is the path from the file's top ({@code rules[2].when})
     */
    public AssetCatalog(
            String kind,
            AssetFolder folder,
            Class<T> type,
            Function<T, String> nameOf,
            Variables variables,
            Redactor redactor,
            AssetEvents events,
            Consumer<T> check) {
        this.check = requireNonNull(check, "check");
        this.kind = requireNonNull(kind, "kind");
        this.folder = requireNonNull(folder, "folder");
        this.type = requireNonNull(type, "type");
        this.nameOf = requireNonNull(nameOf, "nameOf");
        this.variables = requireNonNull(variables, "variables");
        this.redactor = requireNonNull(redactor, "redactor");
        this.events = requireNonNull(events, "events");
    }

    /** Rereads what changed on disk; returns whether anything did. */
    public synchronized boolean refresh() {
        AssetFolder.Changes changes = folder.scan();
        if (changes.isEmpty()) {
            return false;
        }
        for (Path removed : changes.removed()) {
            byFile.remove(removed);
            redactor.update(folder.displayName(removed), java.util.Set.of());
            LOG.infof("Removed %s %s", kind, folder.displayName(removed));
            events.changed(new AssetChange.Removed(kind, folder.displayName(removed)));
        }
        for (Path updated : changes.updated()) {
            AssetEntry<T> entry = read(updated);
            byFile.put(updated, entry);
            String sha256 = sha256(updated);
            switch (entry) {
                case AssetEntry.Valid<T> valid -> {
                    LOG.infof("Loaded %s '%s' from %s", kind, valid.name(), valid.file());
                    events.changed(
                            new AssetChange.Loaded(kind, valid.name(), valid.file(), sha256 == null ? "" : sha256));
                }
                case AssetEntry.Invalid<T> invalid -> {
                    LOG.warnf("%s", invalid.problem().describe());
                    events.changed(new AssetChange.Rejected(
                            kind,
                            invalid.name(),
                            invalid.file(),
                            sha256,
                            redactor.scrub(invalid.problem().describe())));
                }
            }
        }
        byName = index();
        return true;
    }

    /** Hex SHA-256 of the file's bytes as they are now, or null when it cannot be read. */
    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException | NoSuchAlgorithmException e) {
            return null;
        }
    }

    /** Every entry, valid or not, by name. */
    public List<AssetEntry<T>> list() {
        return List.copyOf(byName.values());
    }

    public Optional<AssetEntry<T>> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The asset named {@code name} if it exists and is valid. */
    public Optional<T> findValid(String name) {
        return find(name)
                .flatMap(entry ->
                        entry instanceof AssetEntry.Valid<T> valid ? Optional.of(valid.value()) : Optional.empty());
    }

    public AssetFolder folder() {
        return folder;
    }

    private AssetEntry<T> read(Path file) {
        String display = folder.displayName(file);
        String name = AssetFolder.baseName(file);
        if (!AssetFolder.NAME.matcher(name).matches()) {
            return new AssetEntry.Invalid<>(
                    name,
                    display,
                    AssetProblem.ofFile(
                            display,
                            "has a name that is not allowed: " + kind + " file names are lowercase letters, digits and "
                                    + "hyphens, starting with a letter (such as sales-digest.yaml); rename it"));
        }
        try {
            AssetBinder.Bound<T> bound = binder.read(file, display, type, variables);
            String declared = nameOf.apply(bound.value());
            if (!name.equals(declared)) {
                throw new InvalidAssetException(new AssetProblem(
                        display,
                        bound.tree().lineOf("/name"),
                        "name",
                        "is '" + declared + "' but the file is " + file.getFileName()
                                + "; make the two the same (rename the file or change the name)"));
            }
            try {
                check.accept(bound.value());
            } catch (FieldException e) {
                throw new InvalidAssetException(AssetBinder.problemAt(display, bound.tree(), e));
            }
            redactor.update(display, bound.secrets());
            return new AssetEntry.Valid<>(name, display, bound.value());
        } catch (InvalidAssetException e) {
            redactor.update(display, java.util.Set.of());
            return new AssetEntry.Invalid<>(name, display, e.problem());
        }
    }

    /** Entries by name; a name defined by two files (x.yaml and x.yml) is invalid in both. */
    private Map<String, AssetEntry<T>> index() {
        Map<String, List<AssetEntry<T>>> grouped = new TreeMap<>();
        byFile.values().forEach(entry -> grouped.computeIfAbsent(entry.name(), n -> new ArrayList<>())
                .add(entry));
        Map<String, AssetEntry<T>> result = new TreeMap<>();
        grouped.forEach((name, entries) -> {
            if (entries.size() == 1) {
                result.put(name, entries.getFirst());
            } else {
                entries.sort(Comparator.comparing(AssetEntry::file));
                String files = String.join(
                        " and ", entries.stream().map(AssetEntry::file).toList());
                AssetEntry<T> first = entries.getFirst();
                result.put(
                        name,
                        new AssetEntry.Invalid<>(
                                name,
                                first.file(),
                                AssetProblem.ofFile(
                                        first.file(),
                                        "defines " + kind + " '" + name + "' a second time (" + files
                                                + "); remove one")));
            }
        });
        return java.util.Collections.unmodifiableMap(result);
    }
}
