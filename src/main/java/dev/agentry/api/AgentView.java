package dev.agentry.api;

/**
 * An agent in the list: {@code error} is null when it can run, else {@code file:line: what and how
 * to fix}.
 */
public record AgentView(String name, String description, boolean valid, String error) {}
