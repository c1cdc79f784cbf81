package dev.agentry.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.agentry.fixtures.Browser;
import dev.agentry.fixtures.OidcIssuer;
import dev.agentry.fixtures.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * Signing in to the console with the OIDC issuer: the authorization code flow with PKCE, run by the
 * page against a local issuer. The person lands on the console with their role; the issuer saw a
 * challenge and then the verifier that matches it; a return the page did not start is refused.
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
@TestProfile(ConsoleOidcTest.WithIssuer.class)
class ConsoleOidcTest {

    public static final class WithIssuer implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(OidcIssuer.class));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("agentry.console.oidc-client-id", "agentry-console");
        }
    }

    private static String console(String path) {
        return RestAssured.baseURI + ":" + RestAssured.port + path;
    }

    @Test
    void a_person_signs_in_with_the_issuer_and_lands_on_the_console_with_their_role() throws Exception {
        try (Browser browser = Browser.open()) {
            browser.driver().get(console("/console/approvals"));
            browser.await(d ->
                            d.findElements(By.id("oidc")).stream().findFirst().orElse(null))
                    .click();

            browser.await(d -> d.findElement(By.id("who")).getText().contains("olga"));
            assertThat(browser.driver().findElement(By.id("who")).getText()).contains("operator");
            assertThat(browser.driver().getCurrentUrl())
                    .as("back where the person started, the code gone from the address")
                    .isEqualTo(console("/console/approvals"));
            browser.await(d -> d.findElement(By.tagName("h1")).getText().equals("Approvals"));
        }
        LoggedRequest authorize = OidcIssuer.server()
                .findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                        com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(
                                "/realms/agentry/protocol/openid-connect/auth")))
                .getLast();
        LoggedRequest token = OidcIssuer.server()
                .findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                        com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(
                                "/realms/agentry/protocol/openid-connect/token")))
                .getLast();
        Map<String, String> asked = form(URI.create(authorize.getAbsoluteUrl()).getRawQuery());
        Map<String, String> traded = form(token.getBodyAsString());
        assertThat(asked)
                .containsEntry("client_id", "agentry-console")
                .containsEntry("response_type", "code")
                .containsEntry("code_challenge_method", "S256")
                .containsEntry("redirect_uri", console("/console/signed-in"));
        assertThat(traded)
                .containsEntry("grant_type", "authorization_code")
                .containsEntry("code", OidcIssuer.CODE)
                .containsEntry("redirect_uri", console("/console/signed-in"));
        byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest(traded.get("code_verifier").getBytes(StandardCharsets.US_ASCII));
        assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(digest))
                .as("the verifier traded is the one the challenge was made from")
                .isEqualTo(asked.get("code_challenge"));
    }

    @Test
    void a_return_from_the_issuer_that_this_tab_did_not_start_signs_nobody_in() {
        try (Browser browser = Browser.open()) {
            browser.driver().get(console("/console/signed-in?code=" + OidcIssuer.CODE + "&state=forged"));
            String message = browser.await(d -> d.findElements(By.cssSelector("#sign-in .error")).stream()
                    .map(element -> element.getText())
                    .findFirst()
                    .orElse(null));
            assertThat(message).contains("not started here");
            assertThat(browser.driver().findElement(By.id("who")).getText()).isEmpty();
        }
    }

    @Test
    void the_page_may_connect_to_the_issuer_and_nowhere_else() {
        String policy = RestAssured.given().get("/console").header("Content-Security-Policy");
        URI issuer = URI.create(
                RestAssured.given().get("/console/settings.json").jsonPath().getString("oidc.issuer"));
        assertThat(policy).contains("connect-src 'self' http://" + issuer.getRawAuthority() + ";");
        RestAssured.given()
                .get("/console/settings.json")
                .then()
                .statusCode(200)
                .body("oidc.clientId", org.hamcrest.Matchers.equalTo("agentry-console"))
                .body("oidc.issuer", org.hamcrest.Matchers.endsWith("/realms/agentry"));
    }

    private static Map<String, String> form(String encoded) {
        return java.util.Arrays.stream(encoded.split("&"))
                .map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(
                        pair -> URLDecoder.decode(pair[0], StandardCharsets.UTF_8),
                        pair -> pair.length > 1 ? URLDecoder.decode(pair[1], StandardCharsets.UTF_8) : ""));
    }
}
