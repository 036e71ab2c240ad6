package io.mailgate.privacy;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The S3 client and presigner of each s3 storage destination, bound in Camel's registry so that the
 * camel-aws2-s3 endpoints of the access-package route can name them. A destination whose details or
 * secrets changed gets fresh ones (the name carries its last update) and the old ones are closed.
 */
public class S3Destinations {

    private static final Logger LOG = LoggerFactory.getLogger(S3Destinations.class);

    private final Registry registry;
    private final PrivacySettings settings;
    private final Map<String, String> bound = new ConcurrentHashMap<>();

    public S3Destinations(Registry registry, PrivacySettings settings) {
        this.registry = registry;
        this.settings = settings;
    }

    /** The registry name of this destination's client; its presigner is bound under the same name + "-presigner". */
    public synchronized String clientName(StorageConfig storage) {
        String name = "s3-" + storage.key() + "-" + storage.updatedAt();
        String previous = bound.get(storage.key());
        if (name.equals(previous)) {
            return name;
        }
        registry.bind(name, S3Client.class, client(storage));
        registry.bind(name + "-presigner", S3Presigner.class, presigner(storage));
        bound.put(storage.key(), name);
        if (previous != null) {
            close(previous);
        }
        return name;
    }

    /** Whether the keys open the bucket: fidesops checks a destination's secrets when they are put. */
    public boolean verify(StorageConfig storage) {
        try (S3Client client = client(storage)) {
            client.headBucket(HeadBucketRequest.builder().bucket(storage.bucket()).build());
            return true;
        } catch (RuntimeException e) {
            LOG.info("The secrets of storage destination {} do not open its bucket: {}", storage.key(), e.getClass().getSimpleName());
            return false;
        }
    }

    /** Deletes a package's object (an erasure deletes the subject's packages). */
    public void delete(StorageConfig storage, String objectKey) {
        S3Client client = registry.lookupByNameAndType(clientName(storage), S3Client.class);
        client.deleteObject(DeleteObjectRequest.builder().bucket(storage.bucket()).key(objectKey).build());
    }

    private S3Client client(StorageConfig storage) {
        var builder = S3Client.builder()
                .httpClient(ApacheHttpClient.builder().build())
                .region(Region.of(settings.s3Region()))
                .credentialsProvider(credentials(storage))
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1 + storage.maxRetries())));
        if (!settings.s3Endpoint().isBlank()) {
            // S3-compatible stores (MinIO, s3rver, ...): path-style buckets, and plain signed payloads, as not
            // all of them decode aws-chunked uploads with trailing checksums.
            builder.endpointOverride(URI.create(settings.s3Endpoint()))
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).chunkedEncodingEnabled(false).build());
        }
        return builder.build();
    }

    private S3Presigner presigner(StorageConfig storage) {
        var builder = S3Presigner.builder()
                .region(Region.of(settings.s3Region()))
                .credentialsProvider(credentials(storage));
        if (!settings.s3Endpoint().isBlank()) {
            builder.endpointOverride(URI.create(settings.s3Endpoint()))
                    .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build());
        }
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(StorageConfig storage) {
        if (storage.automaticAuth()) {
            return DefaultCredentialsProvider.builder().build();
        }
        StorageConfig.S3Secrets secrets = storage.secrets().orElseThrow(() -> new IllegalStateException(
                "Storage destination " + storage.key() + " has no secrets: PUT /api/v1/storage/config/" + storage.key() + "/secret"));
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(secrets.accessKeyId(), secrets.secretAccessKey()));
    }

    private void close(String name) {
        S3Client client = registry.lookupByNameAndType(name, S3Client.class);
        S3Presigner presigner = registry.lookupByNameAndType(name + "-presigner", S3Presigner.class);
        registry.unbind(name);
        registry.unbind(name + "-presigner");
        if (client != null) {
            client.close();
        }
        if (presigner != null) {
            presigner.close();
        }
    }
}
