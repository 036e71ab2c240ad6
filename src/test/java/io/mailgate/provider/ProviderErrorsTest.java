package io.mailgate.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Map;

import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;

import org.apache.camel.http.base.HttpOperationFailedException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.util.MailConnectException;
import org.eclipse.angus.mail.util.SocketConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** Which provider failures are worth another attempt, and the one line a mail's failure_reason gets. */
class ProviderErrorsTest {

    @ParameterizedTest
    @CsvSource({"429, true", "500, true", "502, true", "503, true", "401, true", "403, true", "400, false", "404, false", "413, false",
            "422, false"})
    void httpStatusDecides(int status, boolean transientFailure) {
        assertEquals(transientFailure, ProviderErrors.isTransient(http(status, Map.of(), "")));
    }

    @ParameterizedTest
    @CsvSource({"421, true", "450, true", "451, true", "452, true", "550, false", "552, false", "554, false"})
    void smtpReplyCodesDecide(int code, boolean transientFailure) throws Exception {
        SMTPSendFailedException send = new SMTPSendFailedException("DATA", code, code + " reason", null, new Address[0],
                new Address[0], new Address[0]);
        assertEquals(transientFailure, ProviderErrors.isTransient(send));
        SMTPAddressFailedException address = new SMTPAddressFailedException(new InternetAddress("a@example.com"), "RCPT TO",
                code, code + " mailbox");
        assertEquals(transientFailure, ProviderErrors.isTransient(address));
    }

    @Test
    void connectionTroubleAndBadCredentialsAreTransient() {
        assertTrue(ProviderErrors.isTransient(new MailConnectException(
                new SocketConnectException("refused", new IOException("Connection refused"), "127.0.0.1", 25, 1000))));
        assertTrue(ProviderErrors.isTransient(new SocketTimeoutException("read timed out")));
        // The account's problem, not the mail's: the mail waits while an operator fixes it (Postfix defers too).
        assertTrue(ProviderErrors.isTransient(new AuthenticationFailedException("535 bad credentials")));
        assertTrue(ProviderErrors.isTransient(new MessagingException("wrapped", new AuthenticationFailedException("535"))));
    }

    @Test
    void sesThrottlingAndServerErrorsAreTransientItsRejectionsAreNot() {
        assertTrue(ProviderErrors.isTransient(aws(400, "Throttling", "Rate exceeded")));
        assertTrue(ProviderErrors.isTransient(aws(400, "SomethingElse", "Maximum sending rate exceeded, throttled")));
        assertTrue(ProviderErrors.isTransient(aws(503, "ServiceUnavailable", "try later")));
        assertTrue(ProviderErrors.isTransient(aws(429, "TooManyRequests", "slow down")));
        assertFalse(ProviderErrors.isTransient(aws(400, "MessageRejected", "Email address is not verified")));
        assertTrue(ProviderErrors.isTransient(SdkClientException.create("Unable to execute HTTP request")));
    }

    @Test
    void theCauseChainIsSearchedAndAnythingUnknownIsPermanent() {
        assertTrue(ProviderErrors.isTransient(new IllegalStateException("outer", new RuntimeException(http(503, Map.of(), "")))));
        assertFalse(ProviderErrors.isTransient(new IllegalArgumentException("bad input")));
        assertFalse(ProviderErrors.isTransient(null));
    }

    @Test
    void theReasonIsOneLineWithItsKindAndIsBounded() {
        assertEquals("transient: HTTP 503 Service Unavailable {\"message\": \"down\"}",
                ProviderErrors.describe(http(503, Map.of(), "{\"message\":\n \"down\"}")));
        assertEquals("transient: HTTP 401 Unauthorized", ProviderErrors.describe(http(401, Map.of(), null)));
        String injected = ProviderErrors.describe(new IllegalStateException("line one\r\nline two"));
        assertEquals("permanent: IllegalStateException: line one line two", injected);
        String longest = ProviderErrors.describe(http(500, Map.of(), "x".repeat(5_000)));
        assertEquals("transient: ".length() + 500, longest.length());
        assertEquals("transient: refused (535 bad credentials)",
                ProviderErrors.describe(new MessagingException("refused", new AuthenticationFailedException("535 bad credentials"))));
    }

    @Test
    void aServersBadGreetingOrMissingStarttlsIsForNow() {
        assertTrue(ProviderErrors.isTransient(new MessagingException(
                "Got bad greeting from SMTP host: 127.0.0.1, port: 25, response: 421 4.3.2 Service not available")));
        assertFalse(ProviderErrors.isTransient(new MessagingException(
                "Got bad greeting from SMTP host: 127.0.0.1, port: 25, response: 554 5.7.1 You are not welcome")));
        assertTrue(ProviderErrors.isTransient(new MessagingException("STARTTLS is required but host does not support STARTTLS")));
        assertFalse(ProviderErrors.isTransient(new jakarta.mail.internet.AddressException("Illegal address", "a b")));
    }

    @Test
    void throttlingCarriesTheWaitTheProviderAskedFor() {
        ProviderErrors.Failure limited = ProviderErrors.classify(http(429, Map.of("Retry-After", "120"), ""));
        assertEquals(ProviderErrors.Kind.THROTTLED, limited.kind());
        assertEquals(120_000L, limited.retryAfterMillis());
        assertEquals(429, limited.code());
        assertEquals(ProviderErrors.Kind.THROTTLED, ProviderErrors.classify(aws(400, "Throttling", "Rate exceeded")).kind());
        ProviderErrors.Failure down = ProviderErrors.classify(http(503, Map.of(), ""));
        assertEquals(ProviderErrors.Kind.TRANSIENT, down.kind());
        assertEquals(0L, down.retryAfterMillis());
        assertEquals(ProviderErrors.Kind.PERMANENT, ProviderErrors.classify(http(400, Map.of(), "")).kind());
    }

    static HttpOperationFailedException http(int status, Map<String, String> headers, String body) {
        String text = switch (status) {
            case 401 -> "Unauthorized";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
        return new HttpOperationFailedException("https://api.mailgun.net/v3/example.com/messages", status, text, null, headers, body);
    }

    private static AwsServiceException aws(int status, String code, String message) {
        return AwsServiceException.builder().statusCode(status).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
    }
}
