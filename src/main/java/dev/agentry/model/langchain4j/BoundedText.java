package dev.agentry.model.langchain4j;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body as UTF-8 text, at most {@code limit} bytes: a server that answers without end
 * (or a man in the middle) cannot fill the service's memory. Past the limit the exchange is cancelled
 * and the call fails with {@link TooLarge}.
 */
final class BoundedText implements HttpResponse.BodySubscriber<String> {

    /** The answer was larger than the limit; trying again would not make it smaller. */
    static final class TooLarge extends IOException {
        TooLarge(long limit) {
            super("the answer is larger than " + limit + " bytes, the most Agentry reads from a model");
        }
    }

    private final long limit;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<String> body = new CompletableFuture<>();
    private Flow.Subscription subscription;

    private BoundedText(long limit) {
        this.limit = limit;
    }

    static HttpResponse.BodyHandler<String> handler(long limit) {
        return info -> new BoundedText(limit);
    }

    @Override
    public CompletionStage<String> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (body.isDone()) {
            return;
        }
        for (ByteBuffer buffer : buffers) {
            if (bytes.size() + (long) buffer.remaining() > limit) {
                subscription.cancel();
                body.completeExceptionally(new TooLarge(limit));
                return;
            }
            byte[] chunk = new byte[buffer.remaining()];
            buffer.get(chunk);
            bytes.writeBytes(chunk);
        }
    }

    @Override
    public void onError(Throwable error) {
        body.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        body.complete(bytes.toString(StandardCharsets.UTF_8));
    }
}
