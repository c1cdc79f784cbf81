package dev.agentry.run;

import dev.agentry.model.ModelClient;
import dev.agentry.model.ModelReply;
import dev.agentry.model.ModelRequest;
import dev.agentry.model.TokenUsage;
import dev.agentry.model.ToolRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A model that plays a list of turns and remembers every request it got. */
final class FakeModel implements ModelClient {

    private final List<Function<ModelRequest, ModelReply>> turns;
    final List<ModelRequest> requests = new CopyOnWriteArrayList<>();

    @SafeVarargs
    FakeModel(Function<ModelRequest, ModelReply>... turns) {
        this.turns = new ArrayList<>(List.of(turns));
    }

    static Function<ModelRequest, ModelReply> answer(String text) {
        return request -> new ModelReply(text, List.of(), new TokenUsage(10, 5));
    }

    static Function<ModelRequest, ModelReply> call(String function, String arguments) {
        return calls(new ToolRequest("call_" + function, function, arguments));
    }

    static Function<ModelRequest, ModelReply> calls(ToolRequest... requests) {
        return request -> new ModelReply("", List.of(requests), new TokenUsage(10, 5));
    }

    @Override
    public ModelReply chat(ModelRequest request) {
        requests.add(request);
        int turn = requests.size() - 1;
        if (turn >= turns.size()) {
            throw new AssertionError("the model was called more often than scripted: " + requests.size());
        }
        return turns.get(turn).apply(request);
    }
}
