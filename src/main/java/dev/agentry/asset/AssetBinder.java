package dev.agentry.asset;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Binds a {@link YamlTree} to an asset record, strictly: unknown fields, wrong types and broken
 * rules all fail with an {@link AssetProblem} that names the line, the field and the fix. Field names
 * are kebab-case as written in YAML. String fields expand {@code ${VAR}}; {@link Secret} fields
 * remember where their value came from, and every secret value read is reported so that it can be
 * scrubbed from anything Agentry stores or shows.
 */
public final class AssetBinder {

    private static final String VARIABLES = "agentry.variables";
    private static final String SECRETS = "agentry.secrets";
    private static final String EXPANDED = "agentry.expanded";

    /**
     * Most characters the {@code ${VAR}} fields of one file may expand to, aliases included. Without a
     * bound, an alias repeated a few thousand times over a variable of a megabyte made gigabytes.
     */
    public static final long MAX_EXPANDED_CHARS = 8L * 1024 * 1024;

    /** The shortest credential accepted; see {@code SecretReader}. */
    public static final int MIN_SECRET_CHARS = 8;

    private final ObjectMapper mapper;

    private AssetBinder(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public static AssetBinder create() {
        SimpleModule module = new SimpleModule("agentry-assets")
                .addDeserializer(String.class, new InterpolatingString())
                .addDeserializer(Secret.class, new SecretReader())
                .addDeserializer(Duration.class, new DurationReader())
                .addDeserializer(ByteSize.class, new ByteSizeReader())
                .addSerializer(ByteSize.class, new ByteSizeWriter())
                .addSerializer(Secret.class, new SecretWriter())
                .addSerializer(Duration.class, new DurationWriter());
        JsonMapper mapper = JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .withCoercionConfig(LogicalType.Textual, config -> config.setCoercion(
                                CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .withCoercionConfigDefaults(
                        config -> config.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
                .addModule(module)
                .build();
        return new AssetBinder(mapper);
    }

    /** A bound asset, the tree it came from (for locating later checks), and the secret values it holds. */
    public record Bound<T>(T value, YamlTree tree, Set<String> secrets) {
        public Bound {
            secrets = Set.copyOf(secrets);
        }
    }

    /**
     * Reads, parses and binds one asset file.
     *
     * @param displayName the file as users know it, for messages
     */
    public <T> Bound<T> read(Path file, String displayName, Class<T> type, Variables variables) {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > StrictYaml.MAX_BYTES) {
                throw new InvalidAssetException(AssetProblem.ofFile(
                        displayName,
                        "is " + size + " bytes, more than the limit of " + StrictYaml.MAX_BYTES
                                + " bytes (1 MiB); split it into smaller files"));
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidAssetException(AssetProblem.ofFile(displayName, "cannot be read: " + e.getMessage()));
        }
        return bind(displayName, StrictYaml.read(displayName, bytes), type, variables);
    }

    /** Binds a parsed tree; see the class comment for the rules. */
    public <T> Bound<T> bind(String file, YamlTree tree, Class<T> type, Variables variables) {
        if (!tree.root().isObject()) {
            throw new InvalidAssetException(new AssetProblem(
                    file, 1, null, "must be a mapping of fields such as 'name: ...', got " + describe(tree.root())));
        }
        Set<String> secrets = new HashSet<>();
        try {
            T value = mapper.readerFor(type)
                    .withAttribute(VARIABLES, variables)
                    .withAttribute(SECRETS, secrets)
                    .withAttribute(EXPANDED, new long[1])
                    .readValue(mapper.treeAsTokens(tree.root()));
            return new Bound<>(value, tree, secrets);
        } catch (JsonMappingException e) {
            throw new InvalidAssetException(problem(file, tree, e));
        } catch (IOException e) {
            throw new InvalidAssetException(AssetProblem.ofFile(file, "cannot be read: " + e.getMessage()));
        }
    }

    /** The asset as JSON with the same field names as its YAML, secrets shown by reference or masked. */
    public JsonNode toJson(Object asset) {
        return mapper.valueToTree(asset);
    }

    /** A plain JSON tree of an asset's nested value, for example a tool's parameter schema. */
    public ObjectMapper mapper() {
        return mapper;
    }

    private static AssetProblem problem(String file, YamlTree tree, JsonMappingException e) {
        List<JsonMappingException.Reference> path = e.getPath();
        String message;
        String field = fieldOf(path);
        String pointer = pointerOf(path);
        if (e instanceof UnrecognizedPropertyException unknown) {
            message = unknownField(unknown);
        } else if (e instanceof ValueInstantiationException && e.getCause() instanceof FieldException broken) {
            field = field.isEmpty() ? broken.field() : field + "." + broken.field();
            pointer = pointer + pointerOfField(broken.field());
            message = broken.getMessage();
        } else if (e.getCause() instanceof IllegalArgumentException broken) {
            message = broken.getMessage();
        } else if (e instanceof InvalidFormatException format && format.getTargetType() != null) {
            message = "must be " + expected(format.getTargetType()) + ", got "
                    + describe(tree.root().at(pointer));
        } else if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            message = "must be " + expected(mismatch.getTargetType()) + ", got "
                    + describe(tree.root().at(pointer));
        } else {
            message = "cannot be read: " + firstLine(e.getOriginalMessage());
        }
        return new AssetProblem(file, tree.lineOf(pointer), field.isEmpty() ? null : field, message);
    }

    private static String unknownField(UnrecognizedPropertyException e) {
        String name = e.getPropertyName();
        List<String> known = known(e.getKnownPropertyIds());
        StringBuilder message = new StringBuilder("is not a known field");
        String suggestion = closest(name, known);
        if (suggestion != null) {
            message.append("; did you mean '").append(suggestion).append("'?");
        }
        if (!known.isEmpty()) {
            message.append(" The fields allowed here are: ").append(String.join(", ", known));
        }
        return message.toString();
    }

    private static List<String> known(Collection<Object> ids) {
        if (ids == null) {
            return List.of();
        }
        return ids.stream().map(String::valueOf).sorted().toList();
    }

    /** The known name nearest to {@code name} by edit distance, if it is plausibly a typo. */
    static String closest(String name, List<String> known) {
        return known.stream()
                .filter(candidate -> distance(name, candidate) <= Math.max(2, name.length() / 3))
                .min(Comparator.comparingInt(candidate -> distance(name, candidate)))
                .orElse(null);
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    static String expected(Class<?> type) {
        if (type.isEnum()) {
            return "one of "
                    + Arrays.stream(type.getEnumConstants())
                            .map(String::valueOf)
                            .collect(Collectors.joining(", "));
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class || type == Secret.class) {
            return "a string";
        }
        if (type == Duration.class) {
            return "a duration such as 30s, 5m or 2h";
        }
        if (type == ByteSize.class) {
            return "a size such as 64KB, 256MiB or 1GB";
        }
        if (List.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a mapping of fields";
        }
        return "a " + type.getSimpleName();
    }

    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isNull()) {
            return "an empty value";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isTextual()) {
            String text = node.asText();
            return "the string \"" + (text.length() > 60 ? text.substring(0, 60) + "..." : text) + "\"";
        }
        return node.toString();
    }

    static String fieldOf(List<JsonMappingException.Reference> path) {
        StringBuilder field = new StringBuilder();
        for (JsonMappingException.Reference reference : path) {
            if (reference.getFieldName() != null) {
                if (!field.isEmpty()) {
                    field.append('.');
                }
                field.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                field.append('[').append(reference.getIndex()).append(']');
            }
        }
        return field.toString();
    }

    static String pointerOf(List<JsonMappingException.Reference> path) {
        StringBuilder pointer = new StringBuilder();
        for (JsonMappingException.Reference reference : path) {
            if (reference.getFieldName() != null) {
                pointer.append('/').append(StrictYaml.escape(reference.getFieldName()));
            } else if (reference.getIndex() >= 0) {
                pointer.append('/').append(reference.getIndex());
            }
        }
        return pointer.toString();
    }

    /**
     * A problem that a check after binding found in {@code field} (a path from the file's top, such as
     * {@code rules[2].when}), on that field's line.
     */
    public static AssetProblem problemAt(String file, YamlTree tree, FieldException e) {
        return new AssetProblem(file, tree.lineOf(pointerOfField(e.field())), e.field(), e.getMessage());
    }

    /** {@code tools[2].name} as a JSON pointer suffix: {@code /tools/2/name}. */
    static String pointerOfField(String field) {
        StringBuilder pointer = new StringBuilder();
        for (String part : field.split("\\.")) {
            int bracket = part.indexOf('[');
            String name = bracket < 0 ? part : part.substring(0, bracket);
            if (!name.isEmpty()) {
                pointer.append('/').append(StrictYaml.escape(name));
            }
            while (bracket >= 0) {
                int close = part.indexOf(']', bracket);
                pointer.append('/').append(part, bracket + 1, close);
                bracket = part.indexOf('[', close);
            }
        }
        return pointer.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable value";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    private static Variables variables(DeserializationContext context) {
        Object variables = context.getAttribute(VARIABLES);
        return variables instanceof Variables v ? v : Variables.environment();
    }

    private static String expand(JsonParser parser, DeserializationContext context, Class<?> type) throws IOException {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
            return (String) context.handleUnexpectedToken(type, parser);
        }
        return charged(context, Interpolation.expand(parser.getText(), variables(context)))
                .value();
    }

    /**
     * {@code parse} applied to the string at the parser, expanded. When it is refused, the error quotes
     * what the file says ({@code ${TOKEN}}) rather than what a variable holds: a credential put in the
     * wrong variable must not appear in an error, whatever else knows it as a secret.
     */
    private static <T> T parsed(
            JsonParser parser, DeserializationContext context, Class<T> type, Function<String, T> parse)
            throws IOException {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
            return type.cast(context.handleUnexpectedToken(type, parser));
        }
        String written = parser.getText();
        Interpolation.Result expanded = charged(context, Interpolation.expand(written, variables(context)));
        try {
            return parse.apply(expanded.value());
        } catch (IllegalArgumentException e) {
            if (!expanded.usedVariables() || expanded.value().isEmpty()) {
                throw e;
            }
            throw new IllegalArgumentException(e.getMessage().replace(expanded.value(), written));
        }
    }

    /** Counts an expansion against the file's {@link #MAX_EXPANDED_CHARS}. */
    private static Interpolation.Result charged(DeserializationContext context, Interpolation.Result expanded) {
        if (expanded.usedVariables() && context.getAttribute(EXPANDED) instanceof long[] total) {
            total[0] += expanded.value().length();
            if (total[0] > MAX_EXPANDED_CHARS) {
                throw new IllegalArgumentException("makes the file's ${...} variables expand to more than "
                        + MAX_EXPANDED_CHARS + " characters (aliases count each time they are used); use the"
                        + " variable in fewer places or make it shorter");
            }
        }
        return expanded;
    }

    private static final class InterpolatingString extends JsonDeserializer<String> {
        @Override
        @SuppressWarnings("unchecked")
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String written = parser.currentToken() == JsonToken.VALUE_STRING ? parser.getText() : null;
            String value = expand(parser, context, String.class);
            if (written != null && context.getAttribute(SECRETS) instanceof Set<?> found) {
                Set<String> secrets = (Set<String>) found;
                // A header value or a server's command argument filled from a variable is a credential
                // in all but type (an API key, a tenant token, --token=...): scrubbed like one, shown masked.
                if (!value.equals(written) && (under(parser, "headers") || under(parser, "command"))) {
                    secrets.add(value);
                }
                secrets.addAll(UrlCredentials.in(written, value));
            }
            return value;
        }

        private static boolean under(JsonParser parser, String field) {
            for (var at = parser.getParsingContext(); at != null; at = at.getParent()) {
                if (field.equals(at.getCurrentName())) {
                    return true;
                }
            }
            return false;
        }
    }

    private static final class SecretReader extends JsonDeserializer<Secret> {
        @Override
        @SuppressWarnings("unchecked")
        public Secret deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.currentToken() != JsonToken.VALUE_STRING) {
                return (Secret) context.handleUnexpectedToken(Secret.class, parser);
            }
            String written = parser.getText();
            Interpolation.Result expanded = charged(context, Interpolation.expand(written, variables(context)));
            int length = expanded.value().length();
            if (length > 0 && length < MIN_SECRET_CHARS) {
                throw new IllegalArgumentException("is " + length + (length == 1 ? " character" : " characters")
                        + " long; a credential shorter than "
                        + MIN_SECRET_CHARS + " is refused: it is no secret, and scrubbing it from every text Agentry"
                        + " stores would change ordinary words. Set the real credential");
            }
            if (context.getAttribute(SECRETS) instanceof Set<?> secrets
                    && !expanded.value().isEmpty()) {
                ((Set<String>) secrets).add(expanded.value());
            }
            return new Secret(expanded.value(), expanded.usedVariables() ? written : null);
        }
    }

    private static final class DurationReader extends JsonDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT && parser.getLongValue() == 0) {
                return Duration.ZERO;
            }
            return parsed(parser, context, Duration.class, DurationText::parse);
        }
    }

    private static final class ByteSizeReader extends JsonDeserializer<ByteSize> {
        @Override
        public ByteSize deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                return new ByteSize(parser.getLongValue());
            }
            return parsed(parser, context, ByteSize.class, ByteSize::parse);
        }
    }

    private static final class ByteSizeWriter extends JsonSerializer<ByteSize> {
        @Override
        public void serialize(ByteSize size, JsonGenerator generator, SerializerProvider provider) throws IOException {
            generator.writeString(size.format());
        }
    }

    private static final class SecretWriter extends JsonSerializer<Secret> {
        @Override
        public void serialize(Secret secret, JsonGenerator generator, SerializerProvider provider) throws IOException {
            generator.writeString(secret.display());
        }
    }

    private static final class DurationWriter extends JsonSerializer<Duration> {
        @Override
        public void serialize(Duration duration, JsonGenerator generator, SerializerProvider provider)
                throws IOException {
            generator.writeString(DurationText.format(duration));
        }
    }
}
