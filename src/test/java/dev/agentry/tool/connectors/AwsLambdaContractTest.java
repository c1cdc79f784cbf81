package dev.agentry.tool.connectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.agentry.tool.ToolResult;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * tools/aws-lambda.yaml against the Lambda Invoke API: the exact request, function errors, async
 * invocation, and a SigV4 signature that this test recomputes independently from what arrived.
 */
class AwsLambdaContractTest {

    private static final String INVOKE = "/2015-03-31/functions/enrich-account/invocations";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    private ShippedToolset lambda;

    @BeforeEach
    void start() {
        lambda = new ShippedToolset(
                "aws-lambda.yaml",
                Map.of(
                        "AWS_LAMBDA_ENDPOINT", "{base}",
                        "AWS_REGION", "eu-central-1",
                        "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
                        "AWS_SECRET_ACCESS_KEY", SECRET,
                        "AWS_SESSION_TOKEN", "session-token-1"));
    }

    @AfterEach
    void stop() {
        lambda.close();
    }

    @Test
    void invoke_sends_the_payload_signed_with_sigv4_and_returns_the_function_result() throws Exception {
        lambda.server.stubFor(post(urlPathEqualTo(INVOKE))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withHeader("X-Amz-Executed-Version", "7")
                        .withBody("{\"tier\": \"gold\", \"employees\": 1200}")));

        ToolResult result = lambda.call(
                "invoke",
                "{\"functionName\": \"enrich-account\", \"qualifier\": \"live\", \"payload\": {\"accountId\": \"001A\"}}");

        assertThat(result.modelText()).isEqualTo("{\"tier\":\"gold\",\"employees\":1200}");
        lambda.server.verify(postRequestedFor(urlPathEqualTo(INVOKE))
                .withQueryParam("Qualifier", equalTo("live"))
                .withHeader("X-Amz-Invocation-Type", equalTo("RequestResponse"))
                .withHeader("X-Amz-Security-Token", equalTo("session-token-1"))
                .withRequestBody(equalToJson("{\"accountId\": \"001A\"}")));
        LoggedRequest sent =
                lambda.server.findAll(postRequestedFor(urlPathEqualTo(INVOKE))).getFirst();
        String authorization = sent.getHeader("Authorization");
        assertThat(authorization)
                .matches("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/[0-9]{8}/eu-central-1/lambda/aws4_request,"
                        + " SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}");
        assertThat(signedHeaders(authorization))
                .contains("x-amz-date", "x-amz-invocation-type", "x-amz-security-token");
        assertThat(expectedSignature(sent, SECRET)).isEqualTo(signature(authorization));
        assertThat(expectedSignature(sent, "another-secret"))
                .as("the check above can fail")
                .isNotEqualTo(signature(authorization));
    }

    @Test
    void an_error_the_function_raises_is_a_tool_error() {
        lambda.server.stubFor(post(urlPathEqualTo(INVOKE))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withHeader("X-Amz-Function-Error", "Unhandled")
                        .withBody("{\"errorType\": \"TypeError\", \"errorMessage\": \"account is undefined\","
                                + " \"trace\": [\"at handler (index.js:3)\"]}")));

        ToolResult result = lambda.call("invoke", "{\"functionName\": \"enrich-account\", \"payload\": {}}");

        assertThat(result).isInstanceOf(ToolResult.Failure.class);
        assertThat(result.modelText())
                .startsWith("error: Unhandled error from POST " + lambda.server.baseUrl() + INVOKE)
                .contains("TypeError", "account is undefined");
        lambda.server.verify(1, postRequestedFor(urlPathEqualTo(INVOKE)));
    }

    @Test
    void async_invocation_is_queued_and_service_errors_keep_their_message() {
        lambda.server.stubFor(post(urlPathEqualTo(INVOKE))
                .withHeader("X-Amz-Invocation-Type", equalTo("Event"))
                .willReturn(aResponse().withStatus(202)));
        lambda.server.stubFor(post(urlPathEqualTo("/2015-03-31/functions/missing/invocations"))
                .willReturn(aResponse()
                        .withStatus(404)
                        .withHeader("Content-Type", "application/json")
                        .withHeader("x-amzn-ErrorType", "ResourceNotFoundException")
                        .withBody("{\"Type\": \"User\", \"message\": \"Function not found:"
                                + " arn:aws:lambda:eu-central-1:123456789012:function:missing\"}")));

        ToolResult queued =
                lambda.call("invoke_async", "{\"functionName\": \"enrich-account\", \"payload\": {\"a\": 1}}");
        ToolResult missing = lambda.call("invoke", "{\"functionName\": \"missing\"}");

        assertThat(queued)
                .isEqualTo(ToolResult.success(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                        .objectNode()
                        .put("status", 202)));
        assertThat(missing.modelText()).contains("HTTP 404", "Function not found");
    }

    private static String signature(String authorization) {
        return authorization.substring(authorization.indexOf("Signature=") + "Signature=".length());
    }

    private static List<String> signedHeaders(String authorization) {
        int start = authorization.indexOf("SignedHeaders=") + "SignedHeaders=".length();
        return Arrays.asList(authorization
                .substring(start, authorization.indexOf(',', start))
                .split(";"));
    }

    /** SigV4 as AWS documents it, computed from the request as the server received it. */
    private static String expectedSignature(LoggedRequest request, String secret) throws Exception {
        String authorization = request.getHeader("Authorization");
        String credential = authorization.substring(
                authorization.indexOf("Credential=") + "Credential=".length(), authorization.indexOf(','));
        String[] scope = credential.split("/", 2);
        URI uri = URI.create(request.getAbsoluteUrl());
        String query = uri.getRawQuery() == null
                ? ""
                : Arrays.stream(uri.getRawQuery().split("&"))
                        .map(pair -> pair.split("=", 2))
                        .map(pair -> encode(decode(pair[0])) + "=" + encode(decode(pair.length > 1 ? pair[1] : "")))
                        .sorted()
                        .collect(Collectors.joining("&"));
        List<String> signed = signedHeaders(authorization);
        String headers = signed.stream()
                .map(name -> name + ":" + request.getHeader(name).trim() + "\n")
                .collect(Collectors.joining());
        String canonical = String.join(
                "\n",
                request.getMethod().getName(),
                uri.getRawPath(),
                query,
                headers,
                String.join(";", signed),
                hex(sha256(request.getBody())));
        String amzDate = request.getHeader("X-Amz-Date");
        String stringToSign = String.join(
                "\n", "AWS4-HMAC-SHA256", amzDate, scope[1], hex(sha256(canonical.getBytes(StandardCharsets.UTF_8))));
        String[] parts = scope[1].split("/");
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), parts[0]);
        key = hmac(key, parts[1]);
        key = hmac(key, parts[2]);
        key = hmac(key, parts[3]);
        return hex(hmac(key, stringToSign));
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8)
                .replace("+", "%20")
                .replace("*", "%2A")
                .replace("%7E", "~");
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    private static byte[] hmac(byte[] key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
