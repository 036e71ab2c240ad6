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

/**
 * The one place where provider failures are sorted, for every provider:
 * <ul>
 * <li><b>permanent</b>: this mail will never go through this provider as it is (HTTP 400/404/413/422,
 * SMTP 5xx, SES MessageRejected): the next provider may take it; when none does, the mail is FAILED;</li>
 * <li><b>transient</b>: try again later (connection trouble, HTTP 5xx, SMTP 4xx, and problems of the
 * provider's account rather than of the mail — bad credentials, HTTP 401/403 — which an operator
 * fixes while the mail waits, as Postfix defers on a SASL failure);</li>
 * <li><b>throttled</b>: transient, with the wait the provider asked for (HTTP 429/503 Retry-After, SES
 * throttling).</li>
 * </ul>
 * Only transient failures count against a provider's circuit. Nothing here retries: attempts are
 * scheduled in the database (DeliveryClaims).
 */
public final class ProviderErrors {

    private static final int MAX_REASON = 500;

    private ProviderErrors() {
    }

    /** How a provider call failed. */
    public enum Kind { PERMANENT, TRANSIENT, THROTTLED }

    /**
     * @param retryAfterMillis the wait the provider asked for; 0 when it asked none
     * @param code             the status or reply code, for logs; 0 when there is none
     */
    public record Failure(Kind kind, long retryAfterMillis, int code, String description) {
        public boolean isTransient() {
            return kind != Kind.PERMANENT;
        }
    }

    public static Failure classify(Throwable failure) {
        Kind kind = kind(failure);
        long retryAfter = 0;
        int code = 0;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpOperationFailedException http) {
                code = http.getStatusCode();
                Long asked = RetryAfter.retryAfter(http.getResponseHeaders());
                retryAfter = asked == null ? 0 : asked;
                break;
            }
            if (t instanceof SMTPSendFailedException smtp) {
                code = smtp.getReturnCode();
                break;
            }
            if (t instanceof SMTPAddressFailedException smtp) {
                code = smtp.getReturnCode();
                break;
            }
            if (t instanceof SdkServiceException aws) {
                code = aws.statusCode();
                break;
            }
        }
        if (kind == Kind.TRANSIENT && (retryAfter > 0 || code == 429 || throttling(failure))) {
            kind = Kind.THROTTLED;
        }
        return new Failure(kind, retryAfter, code, describe(failure, kind));
    }

    public static boolean isTransient(Throwable failure) {
        return kind(failure) != Kind.PERMANENT;
    }

    private static Kind kind(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpOperationFailedException http) {
                int status = http.getStatusCode();
                return status == 401 || status == 403 || status == 408 || status == 429 || status >= 500
                        ? Kind.TRANSIENT : Kind.PERMANENT;
            }
            if (t instanceof AuthenticationFailedException) {
                return Kind.TRANSIENT;
            }
            if (t instanceof SMTPSendFailedException smtp) {
                return smtpKind(smtp.getReturnCode());
            }
            if (t instanceof SMTPAddressFailedException smtp) {
                return smtpKind(smtp.getReturnCode());
            }
            if (t instanceof MailConnectException) {
                return Kind.TRANSIENT;
            }
            if (t instanceof SdkServiceException aws) {
                String code = aws.getMessage() == null ? "" : aws.getMessage().toLowerCase(Locale.ROOT);
                boolean rejected = code.contains("messagerejected") || code.contains("message rejected")
                        || code.contains("not verified") || code.contains("invalidparameter");
                if (aws.statusCode() >= 500 || aws.statusCode() == 429 || aws.isThrottlingException()
                        || code.contains("throttl") || aws.statusCode() == 403 && !rejected) {
                    return Kind.TRANSIENT;
                }
                return Kind.PERMANENT;
            }
            if (t instanceof SdkClientException) {
                return Kind.TRANSIENT;
            }
            if (t instanceof MessagingException smtp && !(t instanceof jakarta.mail.internet.AddressException)) {
                Kind kind = serverTrouble(smtp.getMessage());
                if (kind != null) {
                    return kind;
                }
            }
            if (t instanceof IOException) {
                return Kind.TRANSIENT;
            }
        }
        return Kind.PERMANENT;
    }

    private static final java.util.regex.Pattern RESPONSE_CODE = java.util.regex.Pattern.compile("response: ([2-5][0-9][0-9])");

    /**
     * JavaMail reports a server's bad greeting or a failed EHLO/STARTTLS as a plain MessagingException
     * naming the response ("Got bad greeting from SMTP host: …, response: 421 …"): its code decides.
     * STARTTLS required but not offered is for now, as Postfix defers it (the server or the config will
     * be fixed; the mail is not at fault).
     */
    private static Kind serverTrouble(String message) {
        if (message == null) {
            return null;
        }
        java.util.regex.Matcher code = RESPONSE_CODE.matcher(message);
        if (code.find()) {
            return smtpKind(Integer.parseInt(code.group(1)));
        }
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("starttls") || lower.contains("could not connect") || lower.contains("exception reading response")
                || lower.contains("can't send command")) {
            return Kind.TRANSIENT;
        }
        return null;
    }

    /** 4xx is for now; 5xx for good (RFC 5321 4.2.1). */
    static Kind smtpKind(int code) {
        return code >= 400 && code < 500 ? Kind.TRANSIENT : Kind.PERMANENT;
    }

    private static boolean throttling(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SdkServiceException aws) {
                String message = aws.getMessage() == null ? "" : aws.getMessage().toLowerCase(Locale.ROOT);
                return aws.isThrottlingException() || message.contains("throttl");
            }
        }
        return false;
    }

    /** One line on what failed, for the mail's failure_reason: no stack, no secrets. */
    public static String describe(Throwable failure) {
        return describe(failure, kind(failure));
    }

    private static String describe(Throwable failure, Kind kind) {
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
        return (kind == Kind.PERMANENT ? "permanent: " : "transient: ")
                + (reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason);
    }
}
