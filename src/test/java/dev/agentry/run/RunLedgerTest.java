package dev.agentry.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The key of the identical-call guard: equal for equal JSON, distinct for anything else. */
class RunLedgerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static RunLedger.CallKey key(String arguments) throws Exception {
        return RunLedger.key("crm.create_task", JSON.readTree(arguments));
    }

    @Test
    void equal_json_in_any_field_order_has_one_key() throws Exception {
        assertThat(key("{\"b\": [1, {\"y\": 2, \"x\": \"s\"}], \"a\": null}"))
                .isEqualTo(key("{\"a\":null,\"b\":[1,{\"x\":\"s\",\"y\":2}]}"))
                .hasSameHashCodeAs(key("{\"a\":null,\"b\":[1,{\"x\":\"s\",\"y\":2}]}"));
        assertThat(RunLedger.key("crm.find", JSON.readTree("{}"))).isNotEqualTo(key("{}"));
    }

    @Test
    void different_values_never_share_a_key() throws Exception {
        assertThat(key("{\"a\": \"5\"}")).isNotEqualTo(key("{\"a\": 5}"));
        assertThat(key("{\"a\": \"true\"}")).isNotEqualTo(key("{\"a\": true}"));
        assertThat(key("{\"a\": \"b\\\",\\\"c\\\":\\\"d\"}")).isNotEqualTo(key("{\"a\": \"b\", \"c\": \"d\"}"));
        assertThat(key("{\"a\": \"line\\nbreak\"}")).isNotEqualTo(key("{\"a\": \"line\\\\nbreak\"}"));
        assertThat(key("{\"a\": [1, 2]}")).isNotEqualTo(key("{\"a\": [2, 1]}"));
        assertThat(key("{\"a\": 1.5}")).isNotEqualTo(key("{\"a\": 15}"));
    }

    @Test
    void counts_are_snapshots_that_a_later_call_does_not_change() {
        ToolCounts zero = ToolCounts.zero(java.util.List.of("crm.find", "crm.create_task"));
        ToolCounts one = zero.plusOne("crm.create_task");
        ToolCounts other = one.plusOne("mail.send");

        assertThat(zero).isEqualTo(java.util.Map.of("crm.find", 0, "crm.create_task", 0));
        assertThat(one).isEqualTo(java.util.Map.of("crm.find", 0, "crm.create_task", 1));
        assertThat(other).isEqualTo(java.util.Map.of("crm.find", 0, "crm.create_task", 1, "mail.send", 1));
        assertThat(other.get("nothing")).isNull();
    }
}
