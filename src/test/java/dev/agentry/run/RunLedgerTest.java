package dev.agentry.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The key of the identical-call guard: equal for equal JSON, distinct for anything else. */
class RunLedgerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String key(String arguments) throws Exception {
        return RunLedger.key("crm.create_task", JSON.readTree(arguments));
    }

    @Test
    void equal_json_in_any_field_order_has_one_key() throws Exception {
        assertThat(key("{\"b\": [1, {\"y\": 2, \"x\": \"s\"}], \"a\": null}"))
                .isEqualTo(key("{\"a\":null,\"b\":[1,{\"x\":\"s\",\"y\":2}]}"))
                .isEqualTo("crm.create_task\n{\"a\":null,\"b\":[1,{\"x\":\"s\",\"y\":2}]}");
    }

    @Test
    void different_values_never_share_a_key() throws Exception {
        assertThat(key("{\"a\": \"5\"}")).isNotEqualTo(key("{\"a\": 5}"));
        assertThat(key("{\"a\": \"true\"}")).isNotEqualTo(key("{\"a\": true}"));
        assertThat(key("{\"a\": \"b\\\",\\\"c\\\":\\\"d\"}")).isNotEqualTo(key("{\"a\": \"b\", \"c\": \"d\"}"));
        assertThat(key("{\"a\": \"line\\nbreak\"}"))
                .isNotEqualTo(key("{\"a\": \"line\\\\nbreak\"}"))
                .endsWith("{\"a\":\"line\\u000abreak\"}");
        assertThat(key("{\"a\": [1, 2]}")).isNotEqualTo(key("{\"a\": [2, 1]}"));
        assertThat(key("{\"a\": 1.5}")).isNotEqualTo(key("{\"a\": 15}"));
    }
}
