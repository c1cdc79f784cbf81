package dev.agentry.api;

import java.util.List;

/** A page of runs, newest first; {@code nextCursor} fetches the next page, null on the last. */
public record RunPage(List<RunView> items, String nextCursor) {}
