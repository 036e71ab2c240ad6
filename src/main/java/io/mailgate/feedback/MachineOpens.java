package io.mailgate.feedback;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Tells a machine's open from a person's. Security scanners fetch every image of a mail as it arrives,
 * and privacy proxies (Apple Mail Privacy Protection, image caches) prefetch it, so an open counts as a
 * machine's when its user agent names a scanner or is missing, or when it comes within
 * {@code machineOpenSeconds} of delivery - sooner than a person opens a mail.
 */
public class MachineOpens {

    /** User agents of link and attachment scanners and of HTTP libraries, lower case. */
    private static final List<String> SCANNERS = List.of("barracuda", "mimecast", "proofpoint", "symantec", "messagelabs",
            "trendmicro", "forcepoint", "sophos", "fortinet", "cisco", "safelinks", "bingpreview", "headlesschrome", "phantomjs",
            "python-requests", "python-urllib", "curl/", "wget/", "go-http-client", "okhttp", "java/", "apache-httpclient",
            "libwww-perl", "bot", "crawler", "spider", "scanner", "preview");

    private final long machineOpenMillis;

    public MachineOpens(int machineOpenSeconds) {
        this.machineOpenMillis = machineOpenSeconds * 1000L;
    }

    /**
     * @param userAgent the opener's User-Agent header, when it sent one
     * @param sentAt    when the mail was delivered, when it was
     * @param openedAt  when the open happened
     */
    public boolean isMachine(Optional<String> userAgent, Optional<Long> sentAt, long openedAt) {
        if (userAgent.isEmpty() || userAgent.get().isBlank()) {
            return true;
        }
        String agent = userAgent.get().toLowerCase(Locale.ROOT);
        if (SCANNERS.stream().anyMatch(agent::contains)) {
            return true;
        }
        return sentAt.isPresent() && openedAt - sentAt.get() <= machineOpenMillis;
    }
}
