package dev.agentry.asset;

import static java.util.Objects.requireNonNull;

/** An asset file that cannot be used as it is; carries the located problem. */
public final class InvalidAssetException extends RuntimeException {

    private final transient AssetProblem problem;

    public InvalidAssetException(AssetProblem problem) {
        super(requireNonNull(problem, "problem").describe(), null, false, false);
        this.problem = problem;
    }

    public AssetProblem problem() {
        return problem;
    }
}
