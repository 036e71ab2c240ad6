package io.mailgate.provider;

import java.io.IOException;
import java.util.Locale;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;

import org.apache.camel.http.base.HttpOperationFailedException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.util.MailConnectException;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

import io.mailgate.mail.MailMetrics;

/**
 * Sorts provider failures into transient (worth retrying on the same provider: connection trouble,
 * HTTP 429 and 5xx, SES throttling, SMTP 4xx) and permanent (HTTP 400/401/403/404, SMTP 5xx, SES
 * rejection, bad credentials), and says what went wrong in one line.
 */
public class ProviderErrors {

    private static final int MAX_REASON = 500;

    private final int maximumRetries;
    private final MailMetrics metrics;

    public ProviderErrors(int maximumRetries, MailMetrics metrics) {
        this.maximumRetries = maximumRetries;
        this.metrics = metrics;
    }

    /** Camel's retryWhile: retry a transient failure until the provider has had its attempts. */
    public boolean retryable(Throwable failure, Integer redeliveryCounter, Delivery delivery) {
        int attempts = redeliveryCounter == null ? 0 : redeliveryCounter;
        boolean retry = attempts <= maximumRetries && isTransient(failure);
        if (retry && delivery != null) {
            metrics.retried(delivery.providerKey());
        }
        return retry;
    }

    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpOperationFailedException http) {
                return http.getStatusCode() == 429 || http.getStatusCode() >= 500;
            }
            if (t instanceof AuthenticationFailedException) {
                return false;
            }
            if (t instanceof SMTPSendFailedException smtp) {
                return smtp.getReturnCode() >= 400 && smtp.getReturnCode() < 500;
            }
            if (t instanceof SMTPAddressFailedException smtp) {
                return smtp.getReturnCode() >= 400 && smtp.getReturnCode() < 500;
            }
            if (t instanceof MailConnectException) {
                return true;
            }
            if (t instanceof SdkServiceException aws) {
                String code = aws.getMessage() == null ? "" : aws.getMessage().toLowerCase(Locale.ROOT);
                return aws.statusCode() >= 500 || aws.statusCode() == 429 || aws.isThrottlingException()
                        || code.contains("throttl");
            }
            if (t instanceof SdkClientException) {
                return true;
            }
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** One line on what failed, for the mail's failure_reason: no stack, no secrets. */
    public static String describe(Throwable failure) {
        String reason;
        if (failure instanceof HttpOperationFailedException http) {
            String body = http.getResponseBody() == null ? "" : " " + http.getResponseBody().replaceAll("\\s+", " ");
            reason = "HTTP " + http.getStatusCode() + " " + http.getStatusText() + body;
        } else if (failure instanceof MessagingException && failure.getCause() != null
                && !(failure instanceof SMTPSendFailedException)) {
            reason = failure.getMessage() + " (" + failure.getCause().getMessage() + ")";
        } else {
            reason = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        }
        reason = reason.replaceAll("[\\r\\n]+", " ");
        return (isTransient(failure) ? "transient: " : "permanent: ")
                + (reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason);
    }
}
