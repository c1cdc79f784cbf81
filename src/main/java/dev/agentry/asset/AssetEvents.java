package dev.agentry.asset;

/** Told of every change to the asset folders, after the catalog took it in. */
@FunctionalInterface
public interface AssetEvents {

    /** Tells nobody: for catalogs whose changes concern no one, as in tests. */
    AssetEvents NONE = change -> {};

    void changed(AssetChange change);
}
