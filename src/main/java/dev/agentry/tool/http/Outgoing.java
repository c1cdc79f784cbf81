package dev.agentry.tool.http;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request about to leave, before Java's client sees it, so that credentials (a SigV4 signature
 * above all) can be computed over exactly what is sent.
 *
 * @param body the JSON body's bytes, or null for none
 */
record Outgoing(String method, URI uri, Map<String, String> headers, byte[] body) {

    Outgoing {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    Outgoing withHeaders(Map<String, String> more) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.putAll(more);
        return new Outgoing(method, uri, all, body);
    }

    Outgoing withUri(URI other) {
        return new Outgoing(method, other, headers, body);
    }

    /** How messages name the request. */
    String describe() {
        return method + " " + uri;
    }
}
