package dev.agentry.asset;

import static java.util.Objects.requireNonNull;

/** One asset file as its catalog sees it: usable, or not with the reason. */
public sealed interface AssetEntry<T> permits AssetEntry.Valid, AssetEntry.Invalid {

    String name();

    String file();

    record Valid<T>(String name, String file, T value) implements AssetEntry<T> {
        public Valid {
            requireNonNull(name, "name");
            requireNonNull(file, "file");
            requireNonNull(value, "value");
        }
    }

    record Invalid<T>(String name, String file, AssetProblem problem) implements AssetEntry<T> {
        public Invalid {
            requireNonNull(name, "name");
            requireNonNull(file, "file");
            requireNonNull(problem, "problem");
        }
    }
}
