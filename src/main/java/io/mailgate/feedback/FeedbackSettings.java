package io.mailgate.feedback;

import java.util.regex.Pattern;

/**
 * How Mailgate believes and acts on what providers report after a send.
 *
 * @param softBounceLimit        soft bounces of one address (for one client) within {@code softBounceDays} that suppress it
 * @param softBounceDays         the window of those soft bounces
 * @param machineOpenSeconds     an open this soon after delivery is counted a machine's (a prefetching proxy, a scanner)
 * @param signatureWindowSeconds how far a signed webhook's timestamp may be from now (Mailgun), in either direction
 * @param snsCertUrlPattern      what an SNS message's SigningCertURL must match before its certificate is fetched
 * @param bounceAddress          the return path of mails sent over SMTP, tagged per mail (VERP); blank: the sender's address
 */
public record FeedbackSettings(int softBounceLimit, int softBounceDays, int machineOpenSeconds, int signatureWindowSeconds,
                               Pattern snsCertUrlPattern, String bounceAddress) {

    private static final Pattern ADDRESS = Pattern.compile("[^\\s@<>+]{1,64}@[^\\s@<>]{1,253}");

    public FeedbackSettings {
        if (!bounceAddress.isBlank() && !ADDRESS.matcher(bounceAddress.trim()).matches()) {
            throw new IllegalStateException("Configuration mailgate.bounce.return-path must be an address such as bounces@example.com "
                    + "(without a + in it)");
        }
    }
}
