package dev.agentry.asset;

import static java.util.Objects.requireNonNull;

/** What happened to one asset file when its folder was read again. */
public sealed interface AssetChange permits AssetChange.Loaded, AssetChange.Rejected, AssetChange.Removed {

    /** What the folder holds, singular: {@code agent}, {@code toolset}, {@code policy}, {@code sandbox profile}. */
    String kind();

    /** The file as shown to users, such as {@code agents/billing.yaml}. */
    String file();

    /** A file read and accepted, with the SHA-256 (hex) of its bytes. */
    record Loaded(String kind, String name, String file, String sha256) implements AssetChange {
        public Loaded {
            requireNonNull(sha256, "sha256");
        }
    }

    /** A file read and refused, with the SHA-256 of its bytes (null if it could not be read) and why. */
    record Rejected(String kind, String name, String file, String sha256, String problem) implements AssetChange {}

    /** A file that is gone. */
    record Removed(String kind, String file) implements AssetChange {}
}
