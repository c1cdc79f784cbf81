package dev.agentry.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentry.asset.AssetBinder;
import dev.agentry.asset.StrictYaml;
import dev.agentry.asset.Variables;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * The scripted side of a demo conversation: what the simulated model answers at each turn of one
 * bundled agent, and the input the demo gives it. Lives in {@code demo/scripts/<agent>.yaml}.
 *
 * @param turns the model's replies in order: turn n answers a conversation with n earlier replies
 */
record DemoScript(String agent, String input, List<Turn> turns) {

    DemoScript {
        turns = List.copyOf(turns);
    }

    /** One reply: text, tool calls, or both. */
    record Turn(String content, List<Call> toolCalls) {
        Turn {
            toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        }
    }

    /** A tool call the simulated model makes, by the function name models see. */
    record Call(String function, JsonNode arguments) {}

    /** The script for {@code agent}, if the demo has one. */
    static Optional<DemoScript> load(String agent) {
        String file = "demo/scripts/" + agent + ".yaml";
        try (InputStream in = DemoScript.class.getClassLoader().getResourceAsStream(file)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            return Optional.of(AssetBinder.create()
                    .bind(file, StrictYaml.read(file, bytes), DemoScript.class, Variables.of(java.util.Map.of()))
                    .value());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
