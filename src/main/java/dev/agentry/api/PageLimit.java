package dev.agentry.api;

import dev.agentry.AgentryException;

/** The {@code limit} query parameter of the paged lists. */
final class PageLimit {

    private PageLimit() {}

    /**
     * The page size asked for, or {@code fallback} when none is.
     *
     * @throws AgentryException.InvalidInput when it is not a whole number from 1 to {@code max}
     */
    static int of(String text, int fallback, int max) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            int limit = Integer.parseInt(text.trim());
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new AgentryException.InvalidInput(
                "limit must be a whole number from 1 to " + max + ", got '" + AgentsResource.abbreviate(text) + "'");
    }
}
