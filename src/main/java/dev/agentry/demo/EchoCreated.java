package dev.agentry.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.util.UUID;

/**
 * Answers a create request the way Google Calendar's {@code events.insert} does: the resource as
 * sent, plus the fields the server assigns (id, status, link, organizer, attendee response status).
 */
final class EchoCreated implements ResponseDefinitionTransformerV2 {

    static final String NAME = "agentry-calendar-insert";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        JsonNode sent;
        try {
            sent = JSON.readTree(event.getRequest().getBodyAsString());
        } catch (IOException e) {
            sent = null;
        }
        if (!(sent instanceof ObjectNode event0)) {
            return ScriptedModel.json(
                    400,
                    "{\"error\":{\"code\":400,\"message\":\"Parse Error\",\"errors\":[{\"domain\":\"global\","
                            + "\"reason\":\"parseError\",\"message\":\"Parse Error\"}]}}");
        }
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 26);
        ObjectNode created = JSON.createObjectNode()
                .put("kind", "calendar#event")
                .put("etag", "\"3412345678901234\"")
                .put("id", id)
                .put("status", "confirmed")
                .put("htmlLink", "https://www.google.com/calendar/event?eid=" + id);
        created.setAll(event0);
        created.putObject("organizer").put("email", "you@example.com").put("self", true);
        created.path("attendees").forEach(attendee -> {
            if (attendee instanceof ObjectNode person && !person.has("responseStatus")) {
                person.put("responseStatus", "needsAction");
            }
        });
        return ScriptedModel.json(200, created.toString());
    }
}
