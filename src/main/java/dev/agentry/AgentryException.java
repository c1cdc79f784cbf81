package dev.agentry;

/**
 * The one unchecked exception root. Subclasses are split by what the caller does next: fix the
 * request, look for something else, wait for a state change, or retry later. Every message names
 * what happened, the offending value and the fix, because it reaches users verbatim.
 */
public abstract sealed class AgentryException extends RuntimeException
        permits AgentryException.InvalidInput,
                AgentryException.NotFound,
                AgentryException.Conflict,
                AgentryException.Unavailable {

    private AgentryException(String message) {
        super(message, null, false, false);
    }

    /** A short, stable title for the kind of problem, used as the problem+json title. */
    public abstract String title();

    /** The caller sent something that cannot be accepted as it is; fix it and send again. */
    public static final class InvalidInput extends AgentryException {
        private final int status;

        public InvalidInput(int status, String message) {
            super(message);
            if (status < 400 || status > 499) {
                throw new IllegalArgumentException("not a client error status: " + status);
            }
            this.status = status;
        }

        public InvalidInput(String message) {
            this(400, message);
        }

        public int status() {
            return status;
        }

        @Override
        public String title() {
            return switch (status) {
                case 403 -> "Forbidden";
                case 429 -> "Too many requests";
                case 422 -> "Unprocessable";
                default -> "Invalid request";
            };
        }
    }

    /** What the caller names does not exist. */
    public static final class NotFound extends AgentryException {
        public NotFound(String message) {
            super(message);
        }

        @Override
        public String title() {
            return "Not found";
        }
    }

    /** The request is valid but the current state does not allow it. */
    public static final class Conflict extends AgentryException {
        public Conflict(String message) {
            super(message);
        }

        @Override
        public String title() {
            return "Conflict";
        }
    }

    /** Something Agentry depends on is not available now; the same request may succeed later. */
    public static final class Unavailable extends AgentryException {
        public Unavailable(String message) {
            super(message);
        }

        @Override
        public String title() {
            return "Unavailable";
        }
    }
}
