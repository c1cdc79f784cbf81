package dev.agentry.asset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StrictYamlTest {

    private static YamlTree read(String yaml) {
        return StrictYaml.read("agents/x.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    }

    private static AssetProblem problemOf(String yaml) {
        try {
            read(yaml);
        } catch (InvalidAssetException e) {
            return e.problem();
        }
        throw new AssertionError("expected the YAML to be refused:\n" + yaml);
    }

    @Test
    void reads_mappings_lists_and_scalars_with_the_line_of_each_key() {
        YamlTree tree = read("name: x\nlimits:\n  max-steps: 3\ntools:\n  - a.b\n  - c.d\n");

        assertThat(tree.root().path("limits").path("max-steps").intValue()).isEqualTo(3);
        assertThat(tree.root().path("tools").get(1).asText()).isEqualTo("c.d");
        assertThat(tree.lineOf("/limits/max-steps")).isEqualTo(3);
        assertThat(tree.lineOf("/tools/1")).isEqualTo(6);
        assertThat(tree.lineOf("/limits/not-there")).isEqualTo(2);
    }

    @Test
    void follows_the_yaml_1_2_core_schema_so_yes_and_no_stay_strings() {
        YamlTree tree = read("a: yes\nb: no\nc: on\nd: true\ne: ~\nf: 0x1F\ng: 1.5e3\nh: '42'\ni: .inf\n");

        assertThat(tree.root().get("a").isTextual()).isTrue();
        assertThat(tree.root().get("b").asText()).isEqualTo("no");
        assertThat(tree.root().get("c").isTextual()).isTrue();
        assertThat(tree.root().get("d").booleanValue()).isTrue();
        assertThat(tree.root().get("e").isNull()).isTrue();
        assertThat(tree.root().get("f").intValue()).isEqualTo(31);
        assertThat(tree.root().get("g").doubleValue()).isEqualTo(1500.0);
        assertThat(tree.root().get("h").isTextual()).isTrue();
        assertThat(tree.root().get("i").doubleValue()).isInfinite();
    }

    @Test
    void refuses_java_tags_with_the_line_and_the_fix() {
        AssetProblem problem =
                problemOf("name: x\nmodel: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[]]]\n");

        assertThat(problem.line()).isEqualTo(2);
        assertThat(problem.describe())
                .isEqualTo("agents/x.yaml:2: uses the YAML tag 'tag:yaml.org,2002:javax.script.ScriptEngineManager';"
                        + " tags are not allowed, remove it and write the plain value");
    }

    @Test
    void refuses_every_kind_of_tag_including_local_and_standard_ones() {
        assertThat(problemOf("a: !custom value\n").message()).contains("uses the YAML tag '!custom'");
        assertThat(problemOf("a: !!str 5\n").message()).contains("tag:yaml.org,2002:str");
        assertThat(problemOf("a: !!map {b: 1}\n").message()).contains("tag:yaml.org,2002:map");
    }

    @Test
    void refuses_duplicate_keys_at_the_second_occurrence() {
        AssetProblem problem = problemOf("name: a\ndescription: b\nname: c\n");

        assertThat(problem.describe()).isEqualTo("agents/x.yaml:3: repeats the key 'name'; keep one of them");
    }

    @Test
    void refuses_an_alias_expansion_bomb_before_it_expands() {
        StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (char level = 'b'; level <= 'j'; level++) {
            char previous = (char) (level - 1);
            bomb.append(level).append(": &").append(level).append(" [");
            for (int i = 0; i < 10; i++) {
                bomb.append(i == 0 ? "" : ", ").append('*').append(previous);
            }
            bomb.append("]\n");
        }

        AssetProblem problem = problemOf(bomb.toString());

        assertThat(problem.message()).isEqualTo("expands to more than 100000 nodes (aliases included); simplify it");
    }

    @Test
    void honours_small_aliases_and_merge_keys_with_explicit_keys_winning() {
        YamlTree tree = read("base: &base {provider: openai, name: a}\nmodel:\n  <<: *base\n  name: b\n");

        assertThat(tree.root().path("model").path("provider").asText()).isEqualTo("openai");
        assertThat(tree.root().path("model").path("name").asText()).isEqualTo("b");
    }

    @Test
    void refuses_nesting_deeper_than_64_levels() {
        String deep = "a: " + "[".repeat(70) + "]".repeat(70) + "\n";

        assertThat(problemOf(deep).message()).isEqualTo("nests deeper than 64 levels; flatten the structure");
    }

    @Test
    void refuses_files_over_one_mebibyte() {
        byte[] big = ("a: " + "x".repeat(StrictYaml.MAX_BYTES) + "\n").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> StrictYaml.read("agents/big.yaml", big))
                .isInstanceOf(InvalidAssetException.class)
                .hasMessage("agents/big.yaml: is " + big.length
                        + " bytes, more than the limit of 1048576 bytes (1 MiB); split it into smaller files");
    }

    @Test
    void refuses_invalid_utf8_naming_the_line() {
        byte[] bytes = {'a', ':', ' ', 'b', '\n', 'c', ':', ' ', (byte) 0xC3, (byte) 0x28, '\n'};

        assertThatThrownBy(() -> StrictYaml.read("agents/x.yaml", bytes))
                .hasMessage("agents/x.yaml:2: is not valid UTF-8 near byte 8; save the file as UTF-8");
    }

    @Test
    void refuses_several_documents_in_one_file() {
        assertThat(problemOf("a: 1\n---\nb: 2\n").message())
                .isEqualTo("holds more than one YAML document; keep one per file");
    }

    @Test
    void refuses_an_empty_file() {
        assertThat(problemOf("   \n# only a comment\n").describe())
                .isEqualTo("agents/x.yaml: is empty; write the fields it needs");
    }

    @Test
    void reports_syntax_errors_on_their_line() {
        AssetProblem problem = problemOf("model:\n  provider: openai\n   name: bad\n");

        assertThat(problem.line()).isEqualTo(3);
        assertThat(problem.message()).startsWith("is not valid YAML: mapping values are not allowed here");
    }

    @Test
    void refuses_complex_keys() {
        assertThat(problemOf("? [a, b]\n: c\n").message())
                .isEqualTo("uses a mapping or list as a key; keys must be plain names");
    }
}
