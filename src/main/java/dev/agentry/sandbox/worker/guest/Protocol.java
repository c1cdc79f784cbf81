package dev.agentry.sandbox.worker.guest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What the service and a sandbox worker say to each other over their socket: length-prefixed
 * frames of one type byte and a payload. The worker jar holds this class too, so it depends on
 * nothing but the JDK.
 */
public final class Protocol {

    /** Largest frame either side accepts; a longer one means a broken or hostile peer. */
    public static final int MAX_FRAME = 64 * 1024 * 1024;
    /** A frame's header: its type byte and its payload's length. */
    public static final int HEADER = 1 + Integer.BYTES;

    private static final byte READY = 1;
    private static final byte EXECUTE = 2;
    private static final byte TOOL_CALL = 3;
    private static final byte TOOL_REPLY = 4;
    private static final byte RESULT = 5;

    private Protocol() {}

    /** A frame's content. */
    public sealed interface Message permits Ready, Execute, ToolCall, ToolReply, Result {}

    /** Worker → service, once: the worker can take executions. */
    public record Ready(String implementation, boolean optimized) implements Message {}

    /**
     * Service → worker: run {@code source}.
     *
     * @param input the input as JSON text, or null
     * @param tools the ids of the tools the code may call, as a JSON array
     */
    public record Execute(
            long id,
            String source,
            String input,
            String tools,
            long timeoutMillis,
            long statements,
            int outputBytes,
            int toolCalls,
            int resultBytes,
            long memoryBytes)
            implements Message {}

    /** Worker → service: the code calls a tool with these arguments (JSON text). */
    public record ToolCall(long execution, int call, String tool, String arguments) implements Message {}

    /** Service → worker: {@code {"result": ...}} or {@code {"error": "..."}}. */
    public record ToolReply(long execution, int call, String answer) implements Message {}

    /**
     * Worker → service: how an execution ended.
     *
     * @param outcome {@code completed}, {@code error} or {@code limit}
     * @param limit which limit stopped it, for outcome {@code limit}
     * @param value the result as JSON text, or the error's message
     * @param healthy false when the worker must not run anything more
     */
    public record Result(
            long execution,
            String outcome,
            String limit,
            String value,
            String stdout,
            String stderr,
            long durationMillis,
            boolean healthy)
            implements Message {}

    public static void write(DataOutputStream out, Message message) throws IOException {
        byte[] frame = frame(message);
        synchronized (out) {
            out.write(frame);
            out.flush();
        }
    }

    /** The whole frame for {@code message}: its type byte, its payload's length, its payload. */
    public static byte[] frame(Message message) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(0);
        bytes.write(new byte[Integer.BYTES]);
        DataOutputStream body = new DataOutputStream(bytes);
        byte type;
        switch (message) {
            case Ready ready -> {
                type = READY;
                string(body, ready.implementation());
                body.writeBoolean(ready.optimized());
            }
            case Execute execute -> {
                type = EXECUTE;
                body.writeLong(execute.id());
                string(body, execute.source());
                string(body, execute.input());
                string(body, execute.tools());
                body.writeLong(execute.timeoutMillis());
                body.writeLong(execute.statements());
                body.writeInt(execute.outputBytes());
                body.writeInt(execute.toolCalls());
                body.writeInt(execute.resultBytes());
                body.writeLong(execute.memoryBytes());
            }
            case ToolCall call -> {
                type = TOOL_CALL;
                body.writeLong(call.execution());
                body.writeInt(call.call());
                string(body, call.tool());
                string(body, call.arguments());
            }
            case ToolReply reply -> {
                type = TOOL_REPLY;
                body.writeLong(reply.execution());
                body.writeInt(reply.call());
                string(body, reply.answer());
            }
            case Result result -> {
                type = RESULT;
                body.writeLong(result.execution());
                string(body, result.outcome());
                string(body, result.limit());
                string(body, result.value());
                string(body, result.stdout());
                string(body, result.stderr());
                body.writeLong(result.durationMillis());
                body.writeBoolean(result.healthy());
            }
        }
        body.flush();
        byte[] frame = bytes.toByteArray();
        ByteBuffer header = ByteBuffer.wrap(frame);
        header.put(type).putInt(frame.length - HEADER);
        return frame;
    }

    /** @throws EOFException when the peer has gone away */
    public static Message read(DataInputStream in) throws IOException {
        byte type = in.readByte();
        int length = in.readInt();
        if (length < 0 || length > MAX_FRAME) {
            throw new IOException("frame of " + length + " bytes is outside the protocol's bounds");
        }
        return decode(type, in.readNBytes(length));
    }

    /**
     * The length of the frame whose header starts {@code header} (at least {@link #HEADER} bytes).
     *
     * @throws IOException when it is outside the protocol's bounds
     */
    public static int payloadLength(ByteBuffer header) throws IOException {
        int length = header.getInt(header.position() + 1);
        if (length < 0 || length > MAX_FRAME) {
            throw new IOException("frame of " + length + " bytes is outside the protocol's bounds");
        }
        return length;
    }

    /** The message of a frame of {@code type} whose payload is {@code payload}. */
    public static Message decode(byte type, byte[] payload) throws IOException {
        DataInputStream body = new DataInputStream(new ByteArrayInputStream(payload));
        return switch (type) {
            case READY -> new Ready(string(body), body.readBoolean());
            case EXECUTE ->
                new Execute(
                        body.readLong(),
                        string(body),
                        string(body),
                        string(body),
                        body.readLong(),
                        body.readLong(),
                        body.readInt(),
                        body.readInt(),
                        body.readInt(),
                        body.readLong());
            case TOOL_CALL -> new ToolCall(body.readLong(), body.readInt(), string(body), string(body));
            case TOOL_REPLY -> new ToolReply(body.readLong(), body.readInt(), string(body));
            case RESULT ->
                new Result(
                        body.readLong(),
                        string(body),
                        string(body),
                        string(body),
                        string(body),
                        string(body),
                        body.readLong(),
                        body.readBoolean());
            default -> throw new IOException("unknown frame type " + type);
        };
    }

    private static void string(DataOutputStream out, String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String string(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
