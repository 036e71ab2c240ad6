package io.mailgate.provider;

import java.net.URI;
import java.util.Map;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.ses.SesClientBuilder;

/**
 * The SES client of one email config, made by Mailgate rather than by camel-aws2-ses so that it makes
 * exactly one attempt per Mailgate attempt (the SDK's own retries would multiply Mailgate's: one mail,
 * sixteen requests under throttling) and may trust the config's own CA.
 */
final class SesClients {

    private SesClients() {
    }

    static SesClient create(Map<String, Object> details, Map<String, String> secrets) {
        ApacheHttpClient.Builder http = ApacheHttpClient.builder();
        Object trustedCa = details.get("trusted_ca");
        if (trustedCa != null) {
            javax.net.ssl.TrustManager[] managers = {TrustedCa.trustManager(trustedCa.toString())};
            http.tlsTrustManagersProvider(() -> managers);
        }
        SesClientBuilder builder = SesClient.builder()
                .region(Region.of(String.valueOf(details.get("region"))))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        secrets.get("aws_access_key_id"), secrets.get("aws_secret_access_key"))))
                .httpClientBuilder(http)
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()));
        Object endpoint = details.get("endpoint_override");
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint.toString()));
        }
        return builder.build();
    }
}
