package io.mailgate.feedback;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;

/**
 * What Mailgate asks of SNS: the certificates it signs its messages with, fetched once per URL and only
 * from a URL the trusted pattern accepts (SNS hosts over https unless configured otherwise), so that a
 * forged message cannot name a certificate of its own making; and the confirmation of a subscription,
 * at the SubscribeURL of a verified message from the same host.
 */
public class SnsClient {

    private static final int MAX_CACHED = 64;
    private static final int MAX_CERTIFICATE_BYTES = 64 * 1024;

    private final Pattern trusted;
    /** Made on first use: building one loads the TLS stack, a fifth of a second of every start otherwise. */
    private volatile HttpClient http;
    private final Map<String, X509Certificate> cache = new ConcurrentHashMap<>();

    public SnsClient(Pattern trusted) {
        this.trusted = trusted;
    }

    private HttpClient http() {
        HttpClient client = http;
        if (client == null) {
            synchronized (this) {
                if (http == null) {
                    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                            .followRedirects(HttpClient.Redirect.NEVER).build();
                }
                client = http;
            }
        }
        return client;
    }

    public boolean trusts(String url) {
        return url != null && url.length() <= 2048 && trusted.matcher(url).matches();
    }

    public X509Certificate certificate(String url) {
        if (!trusts(url)) {
            throw new ApiException(ErrorCode.FORBIDDEN, "SigningCertURL is not an SNS certificate URL");
        }
        X509Certificate known = cache.get(url);
        if (known != null) {
            return known;
        }
        X509Certificate fetched = fetch(url);
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(url, fetched);
        return fetched;
    }

    /** Confirms a subscription by visiting its SubscribeURL; true when SNS answered 200. */
    public boolean confirm(String subscribeUrl) {
        try {
            HttpResponse<Void> response = http().send(HttpRequest.newBuilder(URI.create(subscribeUrl)).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (java.io.IOException | IllegalArgumentException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private X509Certificate fetch(String url) {
        try {
            HttpResponse<byte[]> response = http().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET()
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200 || response.body().length > MAX_CERTIFICATE_BYTES) {
                throw new ApiException(ErrorCode.FORBIDDEN, "The SNS signing certificate could not be fetched (HTTP "
                        + response.statusCode() + ")");
            }
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(response.body()));
            certificate.checkValidity();
            return certificate;
        } catch (CertificateException e) {
            throw new ApiException(ErrorCode.FORBIDDEN, "The SNS signing certificate is not a valid X.509 certificate");
        } catch (java.io.IOException e) {
            throw new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "The SNS signing certificate could not be fetched");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "Interrupted while fetching the SNS signing certificate");
        }
    }
}
