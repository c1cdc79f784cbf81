package dev.agentry.tool.http;

import dev.agentry.asset.Redactor;
import dev.agentry.tool.Tool;
import dev.agentry.tool.ToolsetDefinition;
import dev.agentry.tool.ToolsetFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Builds declarative HTTP toolsets; the tools of one toolset share one connection pool and one set of credentials. */
@ApplicationScoped
public class HttpToolsetFactory implements ToolsetFactory<ToolsetDefinition.Http> {

    private final Clock clock;
    private final Redactor redactor;

    /** A factory whose runtime tokens nobody scrubs: for tools built outside the service. */
    public HttpToolsetFactory() {
        this(Clock.systemUTC(), new Redactor());
    }

    @Inject
    HttpToolsetFactory(Redactor redactor) {
        this(Clock.systemUTC(), redactor);
    }

    HttpToolsetFactory(Clock clock) {
        this(clock, new Redactor());
    }

    HttpToolsetFactory(Clock clock, Redactor redactor) {
        this.clock = clock;
        this.redactor = redactor;
    }

    @Override
    public Class<ToolsetDefinition.Http> type() {
        return ToolsetDefinition.Http.class;
    }

    @Override
    public List<Tool> create(ToolsetDefinition.Http definition) {
        Duration connect = definition.timeout().compareTo(Duration.ofSeconds(10)) < 0
                ? definition.timeout()
                : Duration.ofSeconds(10);
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connect)
                .build();
        Connection connection = new Connection(definition, client, clock, redactor);
        return definition.tools().stream()
                .<Tool>map(tool -> new HttpTool(definition, tool, connection))
                .toList();
    }
}
