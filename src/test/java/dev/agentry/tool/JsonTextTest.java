package dev.agentry.tool;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** The direct writer against Jackson's own text, on every kind of value and every escape. */
class JsonTextTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void writes_what_jackson_writes() throws Exception {
        var tree = JsonNodeFactory.instance.objectNode();
        tree.put("text", "quote \" backslash \\ newline \n tab \t cr \r bell \u0007 nul \u0000 unit \u001f é 😀");
        tree.put("int", 42).put("long", 9_223_372_036_854_775_807L).put("negative", -3);
        tree.put("double", 0.1).put("big", 1e300).put("small", 1e-7).put("float", 1.5f);
        tree.put("decimal", new BigDecimal("123.4500")).put("bigint", new BigInteger("123456789012345678901234567890"));
        tree.put("yes", true).put("no", false).putNull("nothing");
        tree.putArray("list").add(1).add("two").addNull().addObject().put("deep", "x");
        tree.putObject("empty");
        tree.putArray("none");
        JsonNode parsed = JSON.readTree("{\"b\":1,\"a\":[{\"z\":\"\\u2028\"}],\"\":\"\"}");

        assertThat(JsonText.compact(tree)).isEqualTo(tree.toString());
        assertThat(JsonText.compact(parsed)).isEqualTo(parsed.toString());
        assertThat(JSON.readTree(JsonText.compact(tree))).isEqualTo(JSON.readTree(tree.toString()));
    }
}
