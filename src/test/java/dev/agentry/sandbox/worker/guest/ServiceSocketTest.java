package dev.agentry.sandbox.worker.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's end of its socket, against a real Unix socket whose other end plays the service. */
class ServiceSocketTest {

    @TempDir
    Path home;

    private SocketChannel service;
    private ServiceSocket worker;

    @BeforeEach
    void connect() throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(home.resolve("worker.sock")));
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(server.getLocalAddress());
            service = server.accept();
            worker = new ServiceSocket(channel, gone -> {
                throw new UncheckedIOException(gone);
            });
        }
    }

    @AfterEach
    void close() throws IOException {
        service.close();
    }

    @Test
    void take_returns_null_at_once_when_nothing_has_arrived_and_no_wait_is_asked() {
        assertThat(worker.take(0)).isNull();
        assertThat(worker.take(20)).isNull();
    }

    @Test
    void a_frame_sent_in_pieces_is_taken_whole_once_its_last_byte_arrives() throws Exception {
        Protocol.ToolReply reply = new Protocol.ToolReply(7, 2, "{\"result\":[1,2,3]}");
        byte[] frame = Protocol.frame(reply);
        send(Arrays.copyOfRange(frame, 0, 3));
        assertThat(worker.take(0)).as("a header cut in two").isNull();
        send(Arrays.copyOfRange(frame, 3, frame.length - 1));
        assertThat(worker.take(0)).as("all but the last byte").isNull();
        send(Arrays.copyOfRange(frame, frame.length - 1, frame.length));

        assertThat(worker.take(1_000)).isEqualTo(reply);
    }

    @Test
    void frames_larger_than_the_read_buffer_and_frames_sent_together_arrive_in_order() throws Exception {
        Protocol.Execute large = execute("x".repeat(1_000_000));
        Protocol.Execute small = execute("6 * 7");
        Thread.ofVirtual().start(() -> {
            try {
                ByteBuffer both = ByteBuffer.allocate(Protocol.frame(large).length + Protocol.frame(small).length);
                both.put(Protocol.frame(large)).put(Protocol.frame(small)).flip();
                while (both.hasRemaining()) {
                    service.write(both);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        assertThat(worker.take(-1)).isEqualTo(large);
        assertThat(worker.take(-1)).isEqualTo(small);
    }

    @Test
    void the_watcher_reads_an_execution_while_the_guest_thread_is_busy_and_says_so() throws Exception {
        CountDownLatch told = new CountDownLatch(1);
        worker.onExecution(told::countDown);
        worker.watch(true);
        Protocol.Execute execution = execute("1");
        send(Protocol.frame(execution));

        assertThat(told.await(5, TimeUnit.SECONDS)).isTrue();
        worker.watch(false);
        assertThat(worker.take(0))
                .as("the frame it read waits for the guest thread")
                .isEqualTo(execution);
    }

    @Test
    void a_frame_longer_than_the_protocol_allows_is_refused_as_a_broken_peer() throws Exception {
        send(ByteBuffer.allocate(Protocol.HEADER)
                .put((byte) 2)
                .putInt(Protocol.MAX_FRAME + 1)
                .array());

        assertThatThrownBy(() -> worker.take(1_000))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(
                        "frame of " + (Protocol.MAX_FRAME + 1) + " bytes is outside the protocol's bounds");
    }

    @Test
    void a_service_that_closes_its_end_ends_the_wait() throws Exception {
        service.close();

        assertThatThrownBy(() -> worker.take(-1))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("the service closed the socket");
    }

    @Test
    void written_frames_reach_the_service_whole_even_when_larger_than_the_socket_buffer() throws Exception {
        Protocol.Result result =
                new Protocol.Result(3, "completed", null, "\"" + "y".repeat(2_000_000) + "\"", "", "", 5, true);
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                worker.write(result);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        var in = new java.io.DataInputStream(java.nio.channels.Channels.newInputStream(service));
        assertThat(Protocol.read(in)).isEqualTo(result);
        writer.join();
    }

    @Test
    void a_thread_left_interrupted_by_a_cancelled_execution_still_sleeps_while_it_waits() {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        Thread.currentThread().interrupt();
        long cpuBefore = threads.getCurrentThreadCpuTime();

        assertThat(worker.take(500)).isNull();

        long cpuMillis = (threads.getCurrentThreadCpuTime() - cpuBefore) / 1_000_000;
        assertThat(cpuMillis)
                .as("CPU spent waiting 500 ms (a spinning select spends nearly all of it)")
                .isLessThan(100);
    }

    private void send(byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            service.write(buffer);
        }
    }

    private static Protocol.Execute execute(String source) {
        return new Protocol.Execute(1, source, null, "[]", 1_000, 1_000, 1_024, 0, 1_024, 1L << 20);
    }
}
