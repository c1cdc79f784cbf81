package dev.agentry.api;

import dev.agentry.access.AccessConfig;
import dev.agentry.access.Actor;
import dev.agentry.access.Caller;
import dev.agentry.access.Role;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Makes a verified OIDC access token a {@link Caller}: its subject is the actor (runs and records say
 * {@code oidc <subject>}), its roles (from the claim Quarkus reads roles from, {@code groups} unless
 * configured) that name Agentry roles give their grants, the highest of them is its role, and the
 * claim {@code agentry.oidc.agents-claim} may limit it to some agents. A token that names no Agentry
 * role is authenticated but may do nothing (403).
 */
@ApplicationScoped
public class OidcCallers implements SecurityIdentityAugmentor {

    private final String agentsClaim;

    OidcCallers(AccessConfig config) {
        this.agentsClaim = config.oidcAgentsClaim();
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous()
                || identity.getAttribute(KeyIdentities.CALLER) != null
                || !(identity.getPrincipal() instanceof JsonWebToken token)) {
            return Uni.createFrom().item(identity);
        }
        Optional<Role> role = highest(identity.getRoles());
        if (role.isEmpty()) {
            return Uni.createFrom().item(identity);
        }
        String subject = token.getSubject() == null ? token.getName() : token.getSubject();
        String name = Optional.ofNullable(token.<Object>getClaim("preferred_username"))
                .map(Object::toString)
                .orElse(subject);
        Caller caller = new Caller(new Actor(Actor.Type.OIDC, subject, name), role.get(), agents(token));
        QuarkusSecurityIdentity.Builder builder = QuarkusSecurityIdentity.builder(identity);
        identity.getRoles().stream()
                .map(OidcCallers::role)
                .flatMap(Optional::stream)
                .forEach(granted -> builder.addRoles(granted.grants()));
        return Uni.createFrom()
                .item(builder.addAttribute(KeyIdentities.CALLER, caller).build());
    }

    /** The Agentry role a token's role names, if it names one. */
    private static Optional<Role> role(String name) {
        return Arrays.stream(Role.values())
                .filter(role -> role.id().equals(name))
                .findFirst();
    }

    /** The role with the most grants among those named: admin, then operator or auditor, then viewer. */
    static Optional<Role> highest(Set<String> names) {
        return names.stream()
                .map(OidcCallers::role)
                .flatMap(Optional::stream)
                .max((a, b) -> Integer.compare(a.grants().size(), b.grants().size()) != 0
                        ? Integer.compare(a.grants().size(), b.grants().size())
                        : Integer.compare(a.ordinal(), b.ordinal()));
    }

    private Set<String> agents(JsonWebToken token) {
        Object claim = token.getClaim(agentsClaim);
        Set<String> agents = new LinkedHashSet<>();
        if (claim instanceof JsonArray list) {
            list.forEach(value -> agents.add(value instanceof JsonString text ? text.getString() : value.toString()));
        } else if (claim instanceof JsonString text) {
            agents.addAll(Arrays.asList(text.getString().split("[\\s,]+")));
        } else if (claim instanceof String text) {
            agents.addAll(Arrays.asList(text.split("[\\s,]+")));
        }
        agents.removeIf(String::isBlank);
        return agents.isEmpty() ? Set.of(Caller.ALL_AGENTS) : agents;
    }
}
