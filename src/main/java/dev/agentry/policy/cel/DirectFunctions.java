package dev.agentry.policy.cel;

import static dev.agentry.policy.cel.DirectNode.bool;
import static dev.agentry.policy.cel.DirectNode.unsure;

import dev.cel.common.values.NullValue;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The functions and operators {@link DirectProgram} evaluates, each exactly as cel-java does for the
 * values it accepts, and giving up on any other.
 */
final class DirectFunctions {

    private DirectFunctions() {}

    /** A call of a function on its operands (the receiver first, for {@code a.f(b)}). */
    record Call(String function, DirectNode[] operands, Body body) implements DirectNode {
        @Override
        public Object eval(Frame frame) {
            return body.apply(frame, operands);
        }
    }

    @FunctionalInterface
    interface Body {
        Object apply(DirectNode.Frame frame, DirectNode[] operands);
    }

    /** The node for {@code function}, or null when it is evaluated only by cel-java. */
    static DirectNode node(String function, List<DirectNode> operands) {
        Body body = body(function, operands.size());
        return body == null ? null : new Call(function, operands.toArray(DirectNode[]::new), body);
    }

    private static Body body(String function, int arity) {
        if (arity == 1) {
            return switch (function) {
                case "!_" -> (frame, operands) -> !bool(operands[0].eval(frame));
                case "@not_strictly_false", "__not_strictly_false__" -> unary(value -> bool(value));
                case "-_" -> unary(value -> Math.negateExact(integer(value)));
                case "size" -> (frame, operands) -> size(operands[0].eval(frame));
                case "lowerAscii" -> unary(value -> lowerAscii(string(value)));
                case "upperAscii" -> unary(value -> upperAscii(string(value)));
                case "trim" -> unary(value -> trim(string(value)));
                case "email_domain" -> unary(value -> CelConditions.emailDomain(string(value)));
                case "url_host" -> unary(value -> CelConditions.urlHost(string(value)));
                case "string" -> unary(DirectFunctions::toText);
                case "timestamp" -> unary(DirectFunctions::timestamp);
                default -> timePart(function, false);
            };
        }
        if (arity == 2) {
            return switch (function) {
                case "_&&_" -> DirectFunctions::and;
                case "_||_" -> DirectFunctions::or;
                // The frequent ones call their operation directly rather than through binary(), whose
                // one call site for every operation the JIT cannot inline.
                case "_==_" -> (frame, operands) -> equal(operands[0].eval(frame), operands[1].eval(frame));
                case "_!=_" -> (frame, operands) -> !equal(operands[0].eval(frame), operands[1].eval(frame));
                case "_<_" -> (frame, operands) -> less(operands[0].eval(frame), operands[1].eval(frame));
                case "_<=_" ->
                    (frame, operands) -> {
                        Object a = operands[0].eval(frame);
                        return !less(operands[1].eval(frame), a, true);
                    };
                case "_>_" ->
                    (frame, operands) -> {
                        Object a = operands[0].eval(frame);
                        return less(operands[1].eval(frame), a);
                    };
                case "_>=_" -> (frame, operands) -> !less(operands[0].eval(frame), operands[1].eval(frame), true);
                case "_+_" -> binary(DirectFunctions::add);
                case "_-_" -> binary((a, b) -> Math.subtractExact(integer(a), integer(b)));
                case "_*_" -> binary((a, b) -> Math.multiplyExact(integer(a), integer(b)));
                case "_/_" -> binary(DirectFunctions::divide);
                case "_%_" -> binary(DirectFunctions::remainder);
                case "_[_]" -> (frame, operands) -> index(operands[0].eval(frame), operands[1].eval(frame));
                case "@in" -> (frame, operands) -> in(operands[0].eval(frame), operands[1].eval(frame));
                case "contains" ->
                    (frame, operands) -> string(operands[0].eval(frame)).contains(string(operands[1].eval(frame)));
                case "startsWith" ->
                    (frame, operands) -> string(operands[0].eval(frame)).startsWith(string(operands[1].eval(frame)));
                case "endsWith" ->
                    (frame, operands) -> string(operands[0].eval(frame)).endsWith(string(operands[1].eval(frame)));
                case "split" -> binary((a, b) -> split(string(a), string(b)));
                default -> timePart(function, true);
            };
        }
        if (arity == 3 && function.equals("_?_:_")) {
            return (frame, operands) ->
                    bool(operands[0].eval(frame)) ? operands[1].eval(frame) : operands[2].eval(frame);
        }
        return null;
    }

    private static Body unary(UnaryOperator<Object> function) {
        return (frame, operands) -> function.apply(operands[0].eval(frame));
    }

    private static Body binary(BinaryOperator<Object> function) {
        return (frame, operands) -> function.apply(operands[0].eval(frame), operands[1].eval(frame));
    }

    /** {@code false && x} is false whatever x is; an error on the left is left to cel-java. */
    private static Object and(DirectNode.Frame frame, DirectNode[] operands) {
        return bool(operands[0].eval(frame)) && bool(operands[1].eval(frame));
    }

    private static Object or(DirectNode.Frame frame, DirectNode[] operands) {
        return bool(operands[0].eval(frame)) || bool(operands[1].eval(frame));
    }

    private static String string(Object value) {
        if (value instanceof String text) {
            return text;
        }
        throw unsure();
    }

    private static long integer(Object value) {
        if (value instanceof Long number) {
            return number;
        }
        throw unsure();
    }

    /**
     * CEL's equality: numbers by value, lists element by element, values of different kinds unequal.
     * An integer against a double, NaN, and maps are left to cel-java.
     */
    static boolean equal(Object a, Object b) {
        if (a instanceof Number || b instanceof Number) {
            if (a instanceof Long x && b instanceof Long y) {
                return x.longValue() == y.longValue();
            }
            if (a instanceof Double x && b instanceof Double y && !x.isNaN() && !y.isNaN()) {
                return x.doubleValue() == y.doubleValue();
            }
            if (a instanceof Number && b instanceof Number) {
                throw unsure();
            }
            return false;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!equal(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (!simple(a) || !simple(b)) {
            throw unsure();
        }
        return a.equals(b);
    }

    /** Values whose equality in cel-java is Java's own. */
    private static boolean simple(Object value) {
        return value instanceof String
                || value instanceof Boolean
                || value instanceof Instant
                || value instanceof NullValue;
    }

    /** {@code a < b} on two integers, two doubles, two timestamps or two ASCII strings. */
    private static boolean less(Object a, Object b) {
        return less(a, b, false);
    }

    /**
     * {@code a < b}, or for {@code orNaN} whether {@code !(b <= a)}: on doubles the two differ when
     * either is NaN, and {@code a <= b} is written {@code !less(b, a, true)}.
     */
    private static boolean less(Object a, Object b, boolean orNaN) {
        if (a instanceof Long x && b instanceof Long y) {
            return x < y;
        }
        if (a instanceof Double x && b instanceof Double y) {
            return orNaN ? !(y <= x) : x < y;
        }
        if (a instanceof Instant x && b instanceof Instant y) {
            return x.isBefore(y);
        }
        if (a instanceof String x && b instanceof String y && ascii(x) && ascii(y)) {
            return x.compareTo(y) < 0;
        }
        throw unsure();
    }

    private static boolean ascii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static Object add(Object a, Object b) {
        if (a instanceof Long x && b instanceof Long y) {
            return Math.addExact(x, y);
        }
        if (a instanceof String x && b instanceof String y) {
            return x + y;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            List<Object> joined = new ArrayList<>(x.size() + y.size());
            joined.addAll(x);
            joined.addAll(y);
            return joined;
        }
        throw unsure();
    }

    private static Object divide(Object a, Object b) {
        long x = integer(a);
        long y = integer(b);
        if (y == 0 || (x == Long.MIN_VALUE && y == -1)) {
            throw unsure();
        }
        return x / y;
    }

    private static Object remainder(Object a, Object b) {
        long x = integer(a);
        long y = integer(b);
        if (y == 0 || (x == Long.MIN_VALUE && y == -1)) {
            throw unsure();
        }
        return x % y;
    }

    private static Object index(Object container, Object key) {
        if (container instanceof Map<?, ?> map && key instanceof String) {
            Object found = map.get(key);
            if (found == null) {
                throw unsure();
            }
            return found;
        }
        if (container instanceof List<?> list && key instanceof Long i && i >= 0 && i < list.size()) {
            return list.get(i.intValue());
        }
        throw unsure();
    }

    private static boolean in(Object element, Object container) {
        if (container instanceof List<?> list) {
            for (Object item : list) {
                if (equal(element, item)) {
                    return true;
                }
            }
            return false;
        }
        if (container instanceof Map<?, ?> map && element instanceof String) {
            return map.containsKey(element);
        }
        throw unsure();
    }

    /** Characters (code points) of a string, elements of a list, entries of a map. */
    private static Object size(Object value) {
        return switch (value) {
            case String text -> (long) text.codePointCount(0, text.length());
            case List<?> list -> (long) list.size();
            case Map<?, ?> map -> (long) map.size();
            default -> throw unsure();
        };
    }

    /** As the strings extension: only A-Z change. */
    private static String lowerAscii(String text) {
        char[] chars = text.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] >= 'A' && chars[i] <= 'Z') {
                chars[i] = (char) (chars[i] + ('a' - 'A'));
            }
        }
        return new String(chars);
    }

    private static String upperAscii(String text) {
        char[] chars = text.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] >= 'a' && chars[i] <= 'z') {
                chars[i] = (char) (chars[i] - ('a' - 'A'));
            }
        }
        return new String(chars);
    }

    /** As the strings extension: Unicode's white space at both ends. */
    private static String trim(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && whitespace(text.codePointAt(start))) {
            start += Character.charCount(text.codePointAt(start));
        }
        while (end > start && whitespace(text.codePointBefore(end))) {
            end -= Character.charCount(text.codePointBefore(end));
        }
        return text.substring(start, end);
    }

    private static boolean whitespace(int c) {
        return (c >= 0x09 && c <= 0x0d)
                || c == 0x20
                || c == 0x85
                || c == 0xa0
                || c == 0x1680
                || (c >= 0x2000 && c <= 0x200a)
                || c == 0x2028
                || c == 0x2029
                || c == 0x202f
                || c == 0x205f
                || c == 0x3000;
    }

    /** As the strings extension: on every occurrence of a non-empty separator, empty parts kept. */
    private static List<Object> split(String text, String separator) {
        if (separator.isEmpty()) {
            throw unsure();
        }
        List<Object> parts = new ArrayList<>();
        int from = 0;
        for (int at = text.indexOf(separator); at >= 0; at = text.indexOf(separator, from)) {
            parts.add(text.substring(from, at));
            from = at + separator.length();
        }
        parts.add(text.substring(from));
        return parts;
    }

    private static Object toText(Object value) {
        return switch (value) {
            case String text -> text;
            case Long number -> number.toString();
            case Boolean flag -> flag.toString();
            default -> throw unsure();
        };
    }

    /** RFC 3339 with seconds and an offset, in the years CEL allows. */
    private static final Pattern RFC_3339 =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})");

    private static Object timestamp(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        String text = string(value);
        if (!RFC_3339.matcher(text).matches()) {
            throw unsure();
        }
        try {
            OffsetDateTime parsed = OffsetDateTime.parse(text);
            int year = parsed.withOffsetSameInstant(ZoneOffset.UTC).getYear();
            if (year < 1 || year > 9999) {
                throw unsure();
            }
            return parsed.toInstant();
        } catch (DateTimeException e) {
            throw unsure();
        }
    }

    /** {@code t.getHours()} and its kind, in UTC or in the zone given as the second operand. */
    private static Body timePart(String function, boolean zoned) {
        java.util.function.ToIntFunction<ZonedDateTime> part =
                switch (function) {
                    case "getFullYear" -> ZonedDateTime::getYear;
                    case "getMonth" -> time -> time.getMonthValue() - 1;
                    case "getDayOfMonth" -> time -> time.getDayOfMonth() - 1;
                    case "getDate" -> ZonedDateTime::getDayOfMonth;
                    case "getDayOfWeek" -> time -> time.getDayOfWeek().getValue() % 7;
                    case "getDayOfYear" -> time -> time.getDayOfYear() - 1;
                    case "getHours" -> ZonedDateTime::getHour;
                    case "getMinutes" -> ZonedDateTime::getMinute;
                    case "getSeconds" -> ZonedDateTime::getSecond;
                    default -> null;
                };
        if (part == null) {
            return null;
        }
        return (frame, operands) -> {
            if (!(operands[0].eval(frame) instanceof Instant instant)) {
                throw unsure();
            }
            ZoneId zone = zoned ? zone(operands[1].eval(frame)) : ZoneOffset.UTC;
            return (long) part.applyAsInt(instant.atZone(zone));
        };
    }

    /** A region name such as {@code Europe/Berlin} or {@code UTC}; offsets are left to cel-java. */
    private static final Pattern REGION = Pattern.compile("[A-Za-z][A-Za-z0-9_+\\-]*(/[A-Za-z0-9_+\\-]+)*");

    private static ZoneId zone(Object value) {
        String name = string(value);
        if (!REGION.matcher(name).matches()) {
            throw unsure();
        }
        try {
            return ZoneId.of(name);
        } catch (DateTimeException e) {
            throw unsure();
        }
    }
}
