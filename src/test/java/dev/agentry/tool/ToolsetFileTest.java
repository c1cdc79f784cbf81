package dev.agentry.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentry.asset.AssetBinder;
import dev.agentry.asset.InvalidAssetException;
import dev.agentry.asset.StrictYaml;
import dev.agentry.asset.Variables;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Toolset files with mistakes: each is refused with the file, line, field and the fix. */
class ToolsetFileTest {

    private static ToolsetDefinition read(String yaml) {
        return AssetBinder.create()
                .bind(
                        "tools/t.yaml",
                        StrictYaml.read("tools/t.yaml", yaml.getBytes(StandardCharsets.UTF_8)),
                        ToolsetDefinition.class,
                        Variables.of(Map.of("SECRET", "s3cr3t-value")))
                .value();
    }

    private static final String TOOL = """
            tools:
              - name: thing
                http: {path: /thing}
            """;

    @Test
    void an_mcp_toolset_needs_one_transport_and_an_allow_list() {
        assertThatThrownBy(() ->
                        read("name: t\ntype: mcp\ncommand: [server]\nurl: https://mcp.example.com/mcp\nallow: [a]\n"))
                .isInstanceOf(InvalidAssetException.class)
                .hasMessageContaining("tools/t.yaml")
                .hasMessageContaining("'command'")
                .hasMessageContaining("give exactly one of command");
        assertThatThrownBy(() -> read("name: t\ntype: mcp\ncommand: [server]\n"))
                .hasMessageContaining("'allow'")
                .hasMessageContaining("list the server's tools agents may use");
        assertThat(read("name: t\ntype: mcp\nurl: https://mcp.example.com/mcp\nallow: [\"*\"]\n"))
                .isInstanceOf(ToolsetDefinition.Mcp.class);
    }

    @Test
    void credentials_in_urls_and_server_commands_are_secrets_and_plain_query_values_are_not() {
        var bound = AssetBinder.create()
                .bind(
                        "tools/t.yaml",
                        StrictYaml.read(
                                "tools/t.yaml",
                                ("name: t\ntype: mcp\nallow: [\"*\"]\n"
                                                + "url: https://bot:p%40ss-word-42@mcp.example.com/mcp?format=json"
                                                + "&key=${SECRET}&region=eu\n")
                                        .getBytes(StandardCharsets.UTF_8)),
                        ToolsetDefinition.class,
                        Variables.of(Map.of("SECRET", "s3cr3t-value")));
        var stdio = AssetBinder.create()
                .bind(
                        "tools/s.yaml",
                        StrictYaml.read(
                                "tools/s.yaml",
                                "name: s\ntype: mcp\nallow: [\"*\"]\ncommand: [server, \"--token=${SECRET}\", --verbose]\n"
                                        .getBytes(StandardCharsets.UTF_8)),
                        ToolsetDefinition.class,
                        Variables.of(Map.of("SECRET", "s3cr3t-value")));

        assertThat(bound.secrets()).containsExactlyInAnyOrder("p%40ss-word-42", "p@ss-word-42", "s3cr3t-value");
        assertThat(stdio.secrets()).containsExactly("--token=s3cr3t-value");
    }

    @Test
    void a_credential_too_short_to_be_a_secret_is_refused_naming_the_field() {
        assertThatThrownBy(() ->
                        read("name: t\nbase-url: https://api.example.com\nauth: {type: bearer, token: test}\n" + TOOL))
                .hasMessage("tools/t.yaml:3: field 'auth.token' is 4 characters long; a credential shorter than 8 is"
                        + " refused: it is no secret, and scrubbing it from every text Agentry stores would change"
                        + " ordinary words. Set the real credential");
    }

    @Test
    void auth_mistakes_name_the_field_and_the_fix() {
        assertThatThrownBy(() -> read("name: t\nbase-url: https://api.example.com\nauth: {type: oauth2,"
                        + " token-url: https://login.example.com/token, client-id: client-id-1}\n" + TOOL))
                .hasMessageContaining("'auth.client-secret'")
                .hasMessageContaining("or give refresh-token for the refresh-token grant");
        assertThatThrownBy(() -> read("name: t\nbase-url: https://api.example.com\nauth: {type: aws-sigv4,"
                        + " region: Frankfurt, service: lambda, access-key-id: AKIDEXAMPLE, secret-access-key: secret-access-key-1}\n"
                        + TOOL))
                .hasMessageContaining("'auth.region'")
                .hasMessageContaining("must be an AWS region such as eu-central-1");
        assertThatThrownBy(() -> read("name: t\nbase-url: https://api.example.com\nauth: {type: kerberos}\n" + TOOL))
                .isInstanceOf(InvalidAssetException.class)
                .hasMessageContaining("kerberos");
    }

    @Test
    void pagination_and_transport_mistakes_are_refused() {
        assertThatThrownBy(() -> read("""
                        name: t
                        base-url: https://api.example.com
                        tools:
                          - name: list
                            http:
                              path: /list
                              pages: {items: /items, next-url: /next, next-token: /token, token-argument: t}
                        """))
                .hasMessageContaining("next-url")
                .hasMessageContaining("give exactly one of next-url");
        assertThatThrownBy(() -> read("name: t\nbase-url: https://api.example.com\nretries: {max: 50}\n" + TOOL))
                .hasMessageContaining("'retries.max'")
                .hasMessageContaining("must be between 0 (no retries) and 10");
        assertThatThrownBy(() -> read("name: t\nbase-url: https://api.example.com\nmax-response: 10\n" + TOOL))
                .hasMessageContaining("'max-response'");
        assertThatThrownBy(() ->
                        read("name: t\nbase-url: https://api.example.com\nallowed-hosts: [\"http://x\"]\n" + TOOL))
                .hasMessageContaining("allowed-hosts[0]")
                .hasMessageContaining("must be a host name such as api.example.com");
    }

    @Test
    void an_unknown_annotation_is_refused() {
        assertThatThrownBy(() -> read("""
                        name: t
                        base-url: https://api.example.com
                        tools:
                          - name: thing
                            annotations: {safe: true}
                            http: {path: /thing}
                        """))
                .isInstanceOf(InvalidAssetException.class)
                .hasMessageContaining("safe");
    }
}
