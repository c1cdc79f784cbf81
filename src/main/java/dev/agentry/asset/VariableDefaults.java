package dev.agentry.asset;

import java.util.Map;

/**
 * Values for {@code ${NAME}} that apply when the environment does not set {@code NAME}. The offline
 * demo provides its simulators' addresses this way; the environment always wins.
 */
public interface VariableDefaults {

    Map<String, String> defaults();
}
