package dev.agentry.access;

import dev.agentry.AgentryException;
import dev.agentry.asset.AssetFolder;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Issues, lists, revokes and recognises API keys. A key is {@code agk_} and 43 characters of
 * base64url (256 random bits); only its SHA-256 is kept, so a copy of the database does not hand out
 * keys. {@code AGENTRY_ADMIN_KEY}, when set, is an admin key for automation and first use, held as a
 * hash in memory and never stored.
 */
@ApplicationScoped
public class ApiKeys {

    /** The shortest admin key accepted from the environment. */
    static final int MIN_ADMIN_KEY = 16;

    private static final String PREFIX = "agk_";
    private static final Actor ADMIN_KEY = Actor.key("env", "AGENTRY_ADMIN_KEY");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyStore store;
    private final Clock clock;
    private final byte[] adminHash;

    ApiKeys(KeyStore store, Clock clock, AccessConfig config) {
        this.store = store;
        this.clock = clock;
        this.adminHash = config.adminKey()
                .filter(key -> !key.isBlank())
                .map(ApiKeys::checkedAdminKey)
                .orElse(null);
    }

    /** A key just issued: its record, and the key itself, which is never shown again. */
    public record Issued(ApiKey key, String secret) {}

    /**
     * Issues a key.
     *
     * @param agents agent names, or {@code ["*"]} for every agent
     * @throws AgentryException.InvalidInput naming the field and the fix
     */
    public Issued issue(String name, Role role, List<String> agents, Actor by) {
        if (name == null || !AssetFolder.NAME.matcher(name).matches()) {
            throw new AgentryException.InvalidInput("name must be lowercase letters, digits and hyphens, starting with"
                    + " a letter, at most 63 long, such as \"ci-bot\"");
        }
        List<String> scope = scope(agents);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random(32));
        String id = "key_" + HexFormat.of().formatHex(random(8));
        ApiKey key = new ApiKey(id, name, role, scope, clock.instant(), by.describe(), null);
        store.add(key, hash(secret));
        return new Issued(key, secret);
    }

    /** Every key, revoked ones included; no secrets. */
    public List<ApiKey> list() {
        return store.list();
    }

    /**
     * Revokes a key at once.
     *
     * @throws AgentryException.NotFound when no key in force has that id
     */
    public void revoke(String id) {
        if (!store.revoke(id, clock.instant())) {
            throw new AgentryException.NotFound(
                    "there is no key in force with id '" + id + "'; GET /v1/keys lists" + " them");
        }
    }

    /** The caller {@code presented} makes, if it is a key in force. */
    public Optional<Caller> recognise(String presented) {
        String hash = hash(presented);
        if (adminHash != null && MessageDigest.isEqual(adminHash, hash.getBytes(StandardCharsets.US_ASCII))) {
            return Optional.of(new Caller(ADMIN_KEY, Role.ADMIN, Set.of(Caller.ALL_AGENTS)));
        }
        if (!presented.startsWith(PREFIX)) {
            return Optional.empty();
        }
        return store.inForce(hash).map(ApiKey::caller);
    }

    private static List<String> scope(List<String> agents) {
        if (agents == null || agents.isEmpty()) {
            throw new AgentryException.InvalidInput(
                    "agents must list the agents the key may use, or be [\"*\"] for every agent");
        }
        Set<String> scope = new LinkedHashSet<>();
        for (String agent : agents) {
            if (agent == null
                    || !(agent.equals(Caller.ALL_AGENTS)
                            || AssetFolder.NAME.matcher(agent).matches())) {
                throw new AgentryException.InvalidInput("agents holds '" + agent + "', which is not an agent name;"
                        + " use agent names such as \"meeting-scheduler\", or [\"*\"] for every agent");
            }
            scope.add(agent);
        }
        if (scope.contains(Caller.ALL_AGENTS) && scope.size() > 1) {
            throw new AgentryException.InvalidInput(
                    "agents is either [\"*\"] alone or a list of agent names, not both");
        }
        return List.copyOf(scope);
    }

    private static byte[] checkedAdminKey(String key) {
        if (key.strip().length() < MIN_ADMIN_KEY) {
            throw new IllegalStateException(
                    "AGENTRY_ADMIN_KEY is " + key.strip().length() + " characters long; an admin"
                            + " key needs at least " + MIN_ADMIN_KEY + " (for example: openssl rand -base64 32)");
        }
        return hash(key.strip()).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return value;
    }

    /** Hex SHA-256 of a presented key. */
    static String hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
