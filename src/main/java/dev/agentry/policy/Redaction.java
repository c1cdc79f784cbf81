package dev.agentry.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks kinds of sensitive data in text, keeping the kind visible: an e-mail address becomes
 * {@code <email>}, a card number {@code <card>}. Built-in detectors: {@code email}, {@code phone},
 * {@code card} (13 to 19 digits that pass the Luhn check), {@code iban} (with its mod-97 check) and
 * {@code api-key} (long random-looking tokens with a known prefix or high entropy); policies may add
 * named regular expressions. Immutable and thread-safe.
 */
public final class Redaction {

    /** The detectors a policy may name, in the order they are applied. */
    public static final List<String> BUILT_IN = List.of("api-key", "email", "iban", "card", "phone");

    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9-]{1,63})+");
    private static final Pattern CARD = Pattern.compile("(?<![0-9])(?:[0-9][ -]?){12,18}[0-9](?![0-9])");
    private static final Pattern IBAN =
            Pattern.compile("(?<![A-Z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}(?![A-Z0-9])");
    private static final Pattern PHONE = Pattern.compile("(?<![\\w+])\\+?[0-9](?:[ ().-]{0,2}[0-9]){7,14}(?![\\w])");
    private static final Pattern API_KEY = Pattern.compile(
            "(?<![A-Za-z0-9_-])(?:sk-[A-Za-z0-9_-]{16,}|agk_[A-Za-z0-9_-]{20,}|gh[pousr]_[A-Za-z0-9]{20,}"
                    + "|xox[abpr]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{30,}"
                    + "|eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,})");

    /** One detector: what it finds, and whether a match really is one (a checksum, for example). */
    private record Detector(String name, Pattern pattern, java.util.function.Predicate<String> confirms) {}

    public static final Redaction NONE = new Redaction(List.of());

    private final List<Detector> detectors;

    private Redaction(List<Detector> detectors) {
        this.detectors = List.copyOf(detectors);
    }

    /**
     * @param builtIn names from {@link #BUILT_IN}
     * @param custom name to regular expression, already checked to compile
     */
    public static Redaction of(List<String> builtIn, Map<String, String> custom) {
        List<Detector> detectors = new ArrayList<>();
        for (String name : BUILT_IN) {
            if (builtIn.contains(name)) {
                detectors.add(
                        switch (name) {
                            case "api-key" -> new Detector(name, API_KEY, match -> true);
                            case "email" -> new Detector(name, EMAIL, match -> true);
                            case "iban" -> new Detector(name, IBAN, Redaction::ibanChecks);
                            case "card" -> new Detector(name, CARD, Redaction::luhnChecks);
                            case "phone" -> new Detector(name, PHONE, match -> true);
                            default -> throw new IllegalArgumentException("no detector named " + name);
                        });
            }
        }
        custom.forEach((name, regex) -> detectors.add(new Detector(name, Pattern.compile(regex), match -> true)));
        return new Redaction(detectors);
    }

    /** The detectors of both, each once. */
    public Redaction and(Redaction other) {
        Map<String, Detector> all = new LinkedHashMap<>();
        detectors.forEach(detector -> all.putIfAbsent(detector.name(), detector));
        other.detectors.forEach(detector -> all.putIfAbsent(detector.name(), detector));
        return new Redaction(new ArrayList<>(all.values()));
    }

    public boolean isEmpty() {
        return detectors.isEmpty();
    }

    /** {@code text} with every match of every detector replaced by {@code <name>}. */
    public String mask(String text) {
        String masked = text;
        for (Detector detector : detectors) {
            Matcher matcher = detector.pattern().matcher(masked);
            StringBuilder out = new StringBuilder();
            boolean changed = false;
            while (matcher.find()) {
                if (detector.confirms().test(matcher.group())) {
                    matcher.appendReplacement(out, Matcher.quoteReplacement("<" + detector.name() + ">"));
                    changed = true;
                }
            }
            if (changed) {
                matcher.appendTail(out);
                masked = out.toString();
            }
        }
        return masked;
    }

    static boolean luhnChecks(String match) {
        String digits = match.replaceAll("[^0-9]", "");
        if (digits.length() < 13 || digits.length() > 19) {
            return false;
        }
        int sum = 0;
        boolean twice = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int digit = digits.charAt(i) - '0';
            if (twice) {
                digit *= 2;
                if (digit > 9) {
                    digit -= 9;
                }
            }
            sum += digit;
            twice = !twice;
        }
        return sum % 10 == 0;
    }

    static boolean ibanChecks(String match) {
        String iban = match.replace(" ", "");
        if (iban.length() < 15 || iban.length() > 34) {
            return false;
        }
        String rearranged = iban.substring(4) + iban.substring(0, 4);
        int remainder = 0;
        for (char c : rearranged.toCharArray()) {
            int value = Character.isDigit(c) ? c - '0' : c - 'A' + 10;
            remainder = value > 9 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
        }
        return remainder == 1;
    }
}
