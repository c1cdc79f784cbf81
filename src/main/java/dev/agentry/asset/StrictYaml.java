package dev.agentry.asset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ScalarEvent;

/**
 * Reads one YAML document into a JSON tree without ever constructing objects from it. Built on the
 * parser's event stream rather than its composer, so every rule is ours: no tags of any kind, no
 * duplicate keys, bounded nesting, bounded alias expansion, valid UTF-8, one document, at most 1
 * MiB. Plain scalars follow the YAML 1.2 core schema, so {@code yes}, {@code no}, {@code on} and
 * {@code off} stay strings. Merge keys ({@code <<: *base}) are honoured, explicit keys win.
 */
public final class StrictYaml {

    /** Largest file accepted, in bytes. */
    public static final int MAX_BYTES = 1024 * 1024;
    /** Deepest nesting of mappings and sequences accepted. */
    public static final int MAX_DEPTH = 64;
    /** Most nodes a document may hold once aliases are expanded. */
    public static final int MAX_NODES = 100_000;

    private static final Pattern INT = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern OCT = Pattern.compile("0o[0-7]+");
    private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]+");
    private static final Pattern FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
    private static final Pattern INF = Pattern.compile("[-+]?\\.(inf|Inf|INF)");
    private static final Pattern NAN = Pattern.compile("\\.(nan|NaN|NAN)");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String file;
    private final Map<String, Integer> lines = new HashMap<>();
    private final Map<String, JsonNode> anchors = new HashMap<>();
    private final Deque<Frame> stack = new ArrayDeque<>();
    private JsonNode root;
    private int nodes;

    private StrictYaml(String file) {
        this.file = file;
    }

    /**
     * Parses {@code bytes} as the content of {@code file}.
     *
     * @param file the name to put in error messages, for example {@code agents/billing.yaml}
     * @throws InvalidAssetException naming the line and the fix for anything the rules refuse
     */
    public static YamlTree read(String file, byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new InvalidAssetException(AssetProblem.ofFile(
                    file,
                    "is " + bytes.length + " bytes, more than the limit of " + MAX_BYTES
                            + " bytes (1 MiB); split it into smaller files"));
        }
        String text = decodeUtf8(file, bytes);
        if (text.isBlank()) {
            throw new InvalidAssetException(AssetProblem.ofFile(file, "is empty; write the fields it needs"));
        }
        return new StrictYaml(file).parse(text);
    }

    private static String decodeUtf8(String file, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        try {
            String text = decoder.decode(buffer).toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            int line = 1;
            for (int i = 0; i < buffer.position() && i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new InvalidAssetException(new AssetProblem(
                    file,
                    line,
                    null,
                    "is not valid UTF-8 near byte " + buffer.position() + "; save the file as UTF-8"));
        }
    }

    private YamlTree parse(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_BYTES + 1);
        options.setAllowDuplicateKeys(false);
        int documents = 0;
        try {
            for (Event event : new Yaml(options).parse(new StringReader(text))) {
                switch (event.getEventId()) {
                    case DocumentStart -> {
                        if (++documents > 1) {
                            throw problem(event.getStartMark(), "holds more than one YAML document; keep one per file");
                        }
                    }
                    case MappingStart -> open(event, NODES.objectNode());
                    case SequenceStart -> open(event, NODES.arrayNode());
                    case MappingEnd, SequenceEnd -> close();
                    case Scalar -> scalar((ScalarEvent) event);
                    case Alias -> alias((AliasEvent) event);
                    default -> {
                        // stream and document boundaries carry nothing we keep
                    }
                }
            }
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String what = e.getProblem() != null ? e.getProblem() : e.getContext();
            throw problem(mark, "is not valid YAML: " + what + "; check the indentation and quoting there");
        } catch (YAMLException e) {
            throw new InvalidAssetException(
                    AssetProblem.ofFile(file, "is not valid YAML: " + firstLine(e.getMessage())));
        }
        if (root == null) {
            throw new InvalidAssetException(AssetProblem.ofFile(file, "is empty; write the fields it needs"));
        }
        return new YamlTree(root, lines);
    }

    private void open(Event event, JsonNode node) {
        CollectionStartEvent start = (CollectionStartEvent) event;
        refuseTag(start.getTag(), start.getStartMark());
        if (stack.size() >= MAX_DEPTH) {
            throw problem(event.getStartMark(), "nests deeper than " + MAX_DEPTH + " levels; flatten the structure");
        }
        String pointer = attach(node, event.getStartMark());
        stack.push(
                node.isObject()
                        ? new MapFrame((ObjectNode) node, pointer, start.getAnchor())
                        : new SeqFrame((ArrayNode) node, pointer, start.getAnchor()));
    }

    private void close() {
        Frame frame = stack.pop();
        if (frame instanceof MapFrame map) {
            map.applyMerges();
        }
        if (frame.anchor() != null) {
            anchors.put(frame.anchor(), frame.node());
        }
    }

    private void scalar(ScalarEvent event) {
        refuseTag(event.getTag(), event.getStartMark());
        if (stack.peek() instanceof MapFrame map && map.awaitingKey()) {
            String key = event.getValue();
            if (!map.explicitKeys.add(key) && !(event.isPlain() && key.equals("<<"))) {
                throw problem(event.getStartMark(), "repeats the key '" + key + "'; keep one of them");
            }
            map.key = key;
            map.keyIsMerge = event.isPlain() && key.equals("<<");
            map.keyLine = event.getStartMark().getLine() + 1;
            return;
        }
        JsonNode value = event.isPlain() ? resolvePlain(event.getValue()) : NODES.textNode(event.getValue());
        attach(value, event.getStartMark());
        if (event.getAnchor() != null) {
            anchors.put(event.getAnchor(), value);
        }
    }

    private void alias(AliasEvent event) {
        JsonNode target = anchors.get(event.getAnchor());
        if (target == null) {
            throw problem(
                    event.getStartMark(),
                    "refers to the anchor '" + event.getAnchor()
                            + "', which is not defined before it (or contains it)");
        }
        if (stack.peek() instanceof MapFrame map && map.awaitingKey()) {
            throw problem(event.getStartMark(), "uses an alias as a key; write the key out");
        }
        attach(copy(target, event.getStartMark()), event.getStartMark());
    }

    /** Adds {@code node} to the open collection (or makes it the root) and returns its pointer. */
    private String attach(JsonNode node, Mark mark) {
        if (++nodes > MAX_NODES) {
            throw problem(mark, "expands to more than " + MAX_NODES + " nodes (aliases included); simplify it");
        }
        int line = mark.getLine() + 1;
        Frame frame = stack.peek();
        String pointer;
        if (frame == null) {
            root = node;
            pointer = "";
        } else if (frame instanceof MapFrame map) {
            if (map.awaitingKey()) {
                throw problem(mark, "uses a mapping or list as a key; keys must be plain names");
            }
            pointer = map.pointer + "/" + escape(map.key);
            line = map.keyLine;
            if (map.keyIsMerge) {
                map.merge(node, mark);
            } else {
                map.node.set(map.key, node);
            }
            map.key = null;
        } else {
            SeqFrame seq = (SeqFrame) frame;
            pointer = seq.pointer + "/" + seq.node.size();
            seq.node.add(node);
        }
        lines.put(pointer, line);
        return pointer;
    }

    private JsonNode copy(JsonNode node, Mark mark) {
        if (node.isContainerNode()) {
            nodes += countNodes(node, mark);
            return node.deepCopy();
        }
        return node;
    }

    private int countNodes(JsonNode node, Mark mark) {
        int count = 0;
        Deque<JsonNode> pending = new ArrayDeque<>();
        pending.push(node);
        while (!pending.isEmpty()) {
            JsonNode current = pending.pop();
            if (++count + nodes > MAX_NODES) {
                throw problem(mark, "expands to more than " + MAX_NODES + " nodes (aliases included); simplify it");
            }
            current.forEach(pending::push);
        }
        return count - 1;
    }

    private void refuseTag(String tag, Mark mark) {
        if (tag != null && !tag.equals("!")) {
            throw problem(
                    mark, "uses the YAML tag '" + tag + "'; tags are not allowed, remove it and write the plain value");
        }
    }

    private InvalidAssetException problem(Mark mark, String message) {
        int line = mark == null ? 0 : mark.getLine() + 1;
        return new InvalidAssetException(new AssetProblem(file, line, null, message));
    }

    /** YAML 1.2 core schema resolution of an unquoted scalar. */
    static JsonNode resolvePlain(String value) {
        switch (value) {
            case "", "~", "null", "Null", "NULL" -> {
                return NODES.nullNode();
            }
            case "true", "True", "TRUE" -> {
                return NODES.booleanNode(true);
            }
            case "false", "False", "FALSE" -> {
                return NODES.booleanNode(false);
            }
            default -> {
                // numbers and strings below
            }
        }
        if (INT.matcher(value).matches()) {
            return integer(new BigInteger(value.startsWith("+") ? value.substring(1) : value));
        }
        if (OCT.matcher(value).matches()) {
            return integer(new BigInteger(value.substring(2), 8));
        }
        if (HEX.matcher(value).matches()) {
            return integer(new BigInteger(value.substring(2), 16));
        }
        if (FLOAT.matcher(value).matches()) {
            return NODES.numberNode(Double.parseDouble(value));
        }
        if (INF.matcher(value).matches()) {
            return NODES.numberNode(value.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        }
        if (NAN.matcher(value).matches()) {
            return NODES.numberNode(Double.NaN);
        }
        return NODES.textNode(value);
    }

    private static JsonNode integer(BigInteger value) {
        if (value.bitLength() < 32) {
            return NODES.numberNode(value.intValue());
        }
        if (value.bitLength() < 64) {
            return NODES.numberNode(value.longValue());
        }
        return NODES.numberNode(value);
    }

    static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    private sealed interface Frame permits MapFrame, SeqFrame {
        JsonNode node();

        String anchor();
    }

    private final class MapFrame implements Frame {
        final ObjectNode node;
        final String pointer;
        final String anchor;
        final Set<String> explicitKeys = new HashSet<>();
        final List<ObjectNode> merges = new ArrayList<>();
        String key;
        boolean keyIsMerge;
        int keyLine;

        MapFrame(ObjectNode node, String pointer, String anchor) {
            this.node = node;
            this.pointer = pointer;
            this.anchor = anchor;
        }

        boolean awaitingKey() {
            return key == null;
        }

        void merge(JsonNode source, Mark mark) {
            if (source instanceof ObjectNode object) {
                merges.add(object);
            } else if (source instanceof ArrayNode array && allObjects(array)) {
                array.forEach(element -> merges.add((ObjectNode) element));
            } else {
                throw problem(mark, "merges ('<<') something that is not a mapping; merge an anchored mapping");
            }
        }

        void applyMerges() {
            explicitKeys.remove("<<");
            for (ObjectNode source : merges) {
                source.properties().forEach(entry -> {
                    if (!node.has(entry.getKey())) {
                        node.set(entry.getKey(), entry.getValue());
                    }
                });
            }
        }

        private boolean allObjects(ArrayNode array) {
            for (JsonNode element : array) {
                if (!element.isObject()) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public JsonNode node() {
            return node;
        }

        @Override
        public String anchor() {
            return anchor;
        }
    }

    private record SeqFrame(ArrayNode node, String pointer, String anchor) implements Frame {}
}
