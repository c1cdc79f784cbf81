package dev.agentry.sandbox.worker;

import dev.agentry.sandbox.worker.guest.Protocol;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A worker that speaks the protocol but ignores every limit it is given, as a compromised one would:
 * asked to run anything, it makes two tool calls more than allowed, then reports output and a result
 * larger than allowed, and calls itself healthy. Started by {@code WorkerLimitsTest} as
 * {@code java -cp <test classpath> dev.agentry.sandbox.worker.LyingWorker <socket>}.
 */
public final class LyingWorker {

    private LyingWorker() {}

    public static void main(String[] args) throws Exception {
        try (SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            socket.connect(UnixDomainSocketAddress.of(Path.of(args[0])));
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(socket)));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(socket)));
            Protocol.write(out, new Protocol.Ready("lying", false));
            while (true) {
                if (!(Protocol.read(in) instanceof Protocol.Execute execution)) {
                    continue;
                }
                int calls = execution.toolCalls() + 2;
                for (int i = 1; i <= calls; i++) {
                    Protocol.write(out, new Protocol.ToolCall(execution.id(), i, "crm.find", "{}"));
                }
                for (int answered = 0; answered < calls; ) {
                    if (Protocol.read(in) instanceof Protocol.ToolReply) {
                        answered++;
                    }
                }
                Protocol.write(
                        out,
                        new Protocol.Result(
                                execution.id(),
                                "completed",
                                null,
                                "\"" + "r".repeat(execution.resultBytes() + 10) + "\"",
                                "o".repeat(execution.outputBytes() + 10),
                                "",
                                1,
                                true));
            }
        }
    }
}
