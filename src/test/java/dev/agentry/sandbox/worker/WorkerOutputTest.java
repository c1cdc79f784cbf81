package dev.agentry.sandbox.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;

/** What the service keeps of a worker's output is bounded, whatever the worker writes. */
class WorkerOutputTest {

    /** {@code bytes} of 'x' without a newline, made as they are read. */
    private static InputStream endless(long bytes) {
        return new InputStream() {
            private long left = bytes;

            @Override
            public int read() {
                return left-- > 0 ? 'x' : -1;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(length, left);
                java.util.Arrays.fill(buffer, offset, offset + n, (byte) 'x');
                left -= n;
                return n;
            }
        };
    }

    @Test
    void a_worker_writing_without_a_newline_leaves_one_cut_line() {
        Deque<String> log = new ArrayDeque<>();
        InputStream output = new SequenceInputStream(
                new ByteArrayInputStream("starting\n".getBytes(StandardCharsets.UTF_8)), endless(256L << 20));

        WorkerProcess.drain(output, log);

        assertThat(log).hasSize(2);
        assertThat(log.getFirst()).isEqualTo("starting");
        assertThat(log.getLast())
                .hasSize(WorkerProcess.LINE_CHARS + " [cut at 2000 characters]".length())
                .endsWith(" [cut at 2000 characters]");
    }

    @Test
    void only_the_last_lines_are_kept() {
        Deque<String> log = new ArrayDeque<>();
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            many.append("line ").append(i).append('\n');
        }

        WorkerProcess.drain(new ByteArrayInputStream(many.toString().getBytes(StandardCharsets.UTF_8)), log);

        assertThat(log).hasSize(40).startsWith("line 60").endsWith("line 99");
    }
}
