package dev.agentry.asset;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The parts of a URL written in an asset that can hold a credential: the userinfo
 * ({@code https://user:password@host}, or a token alone before the {@code @}) whether written or
 * filled from a variable, and query values filled from variables ({@code ?api_key=${KEY}}). A query
 * value written as it is ({@code ?format=json}) is not one: it is in the file for everyone to read.
 */
final class UrlCredentials {

    private static final Pattern URL = Pattern.compile("(?i)^[a-z][a-z0-9+.-]*://.*", Pattern.DOTALL);

    private UrlCredentials() {}

    /** What of {@code value} (a string as expanded from {@code written}) to treat as secret. */
    static Set<String> in(String written, String value) {
        if (!URL.matcher(value).matches()) {
            return Set.of();
        }
        Set<String> found = new LinkedHashSet<>();
        int start = value.indexOf("://") + 3;
        int end = start;
        while (end < value.length() && "/?#".indexOf(value.charAt(end)) < 0) {
            end++;
        }
        String authority = value.substring(start, end);
        int at = authority.lastIndexOf('@');
        if (at > 0) {
            String userinfo = authority.substring(0, at);
            int colon = userinfo.indexOf(':');
            add(found, colon >= 0 ? userinfo.substring(colon + 1) : userinfo);
        }
        int query = value.indexOf('?', end);
        if (query >= 0 && !value.equals(written)) {
            int fragment = value.indexOf('#', query);
            String parameters = value.substring(query + 1, fragment < 0 ? value.length() : fragment);
            for (String parameter : parameters.split("&")) {
                int equals = parameter.indexOf('=');
                String parameterValue = equals < 0 ? "" : parameter.substring(equals + 1);
                if (!parameterValue.isEmpty() && !written.contains(parameterValue)) {
                    add(found, parameterValue);
                }
            }
        }
        return found;
    }

    /** The value as written in the URL and decoded, as a server or a log may show either. */
    private static void add(Set<String> found, String encoded) {
        if (encoded.isEmpty()) {
            return;
        }
        found.add(encoded);
        try {
            found.add(URLDecoder.decode(encoded, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            // not percent-encoded properly: the text as written is what can be echoed
        }
    }
}
