package dev.agentry.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The outside world of the end-to-end benchmark, in a JVM of its own: an OpenAI-compatible chat
 * endpoint that asks for {@link #TOOL_CALLS} tool calls, one per reply, then answers, each reply after
 * {@link #MODEL_DELAY_MS} ms; and the tool, which echoes its request at once. Both sides of the
 * benchmark (the service and the peer) talk to it over HTTP. Usage: {@code EndToEndWorld <port>}.
 */
public final class EndToEndWorld {

    static final int TOOL_CALLS = 5;
    static final long MODEL_DELAY_MS = 200;

    private static final Pattern TOOL_MESSAGE = Pattern.compile("\"role\"\\s*:\\s*\"tool\"");
    private static final Pattern FUNCTION =
            Pattern.compile("\"function\"\\s*:\\s*\\{\\s*\"name\"\\s*:\\s*\"([^\"]+)\"");
    private static final AtomicLong IDS = new AtomicLong();

    private EndToEndWorld() {}

    public static void main(String[] args) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 1024);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/chat/completions", EndToEndWorld::chat);
        server.createContext("/tool", EndToEndWorld::tool);
        server.start();
        System.out.println("ready");
    }

    private static void chat(HttpExchange exchange) throws IOException {
        String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        int answered = 0;
        Matcher tools = TOOL_MESSAGE.matcher(request);
        while (tools.find()) {
            answered++;
        }
        Matcher function = FUNCTION.matcher(request);
        String name = function.find() ? function.group(1) : "bench_echo";
        try {
            Thread.sleep(MODEL_DELAY_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long id = IDS.incrementAndGet();
        String message = answered < TOOL_CALLS
                ? "{\"role\": \"assistant\", \"content\": null, \"tool_calls\": [{\"id\": \"call_" + id
                        + "\", \"type\": \"function\", \"function\": {\"name\": \"" + name
                        + "\", \"arguments\": \"{\\\"text\\\": \\\"step " + answered + "\\\"}\"}}]}"
                : "{\"role\": \"assistant\", \"content\": \"done after " + answered + " tool calls\"}";
        String finish = answered < TOOL_CALLS ? "tool_calls" : "stop";
        respond(
                exchange,
                "{\"id\": \"chatcmpl-" + id + "\", \"object\": \"chat.completion\", \"created\": 1764000000,"
                        + " \"model\": \"e2e-model\", \"choices\": [{\"index\": 0, \"message\": " + message
                        + ", \"finish_reason\": \"" + finish + "\"}], \"usage\": {\"prompt_tokens\": 100,"
                        + " \"completion_tokens\": 10, \"total_tokens\": 110}}");
    }

    private static void tool(HttpExchange exchange) throws IOException {
        String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        respond(exchange, "{\"echo\": " + (request.isBlank() ? "null" : request) + "}");
    }

    private static void respond(HttpExchange exchange, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
