package io.mailgate.privacy;

import java.time.Duration;

import io.mailgate.mail.MailConfiguration;
import io.mailgate.mail.MailOutcomes;
import io.mailgate.platform.Json;
import io.mailgate.platform.Platform;
import io.mailgate.provider.ProviderConfiguration;
import io.mailgate.security.SecretBox;
import io.mailgate.security.SecurityConfiguration;

/** Wires the fidesops privacy side: connectors and datasets, policies, privacy requests and their notices. */
public final class PrivacyConfiguration {

    /** How long PUT .../secret waits for the outcome of its test email. */
    private static final Duration TEST_EMAIL_WAIT = Duration.ofSeconds(20);

    public PrivacyConfiguration(Platform platform, SecurityConfiguration security, MailConfiguration mail,
                                ProviderConfiguration providers) {
        SecretBox secretBox = security.secretBox();
        Json json = platform.json();
        Taxonomy taxonomy = Taxonomy.load();
        ConnectionStore connections = new ConnectionStore(platform.jdbi(), json, secretBox, platform.clock());
        PolicyStore policies = new PolicyStore(platform.jdbi(), json, platform.clock());
        PrivacyRequestStore requests = new PrivacyRequestStore(platform.jdbi(), json, platform.clock());
        platform.bind(new ConnectionEndpoints(json, connections, new MailOutcomes(mail.records(), TEST_EMAIL_WAIT)));
        platform.bind(new DatasetEndpoints(json, connections, new FidesDatasets(taxonomy), new DatasetRules()));
        StorageConfigStore storages = new StorageConfigStore(platform.jdbi(), json, secretBox, platform.clock());
        PrivacySettings settings = platform.settings().privacy();
        S3Destinations s3 = new S3Destinations(platform.context().getRegistry(), settings);
        platform.bind(new StorageEndpoints(json, storages, s3));
        PolicyEndpoints policyEndpoints = platform.bind(new PolicyEndpoints(json, policies, taxonomy, storages::find));
        OwnRecords ownRecords = platform.bind(new OwnRecords(platform.jdbi(), json, mail.records(), requests, policies,
                taxonomy, settings.sendCompletion(), platform.clock()));
        platform.bind(new AccessPackages(platform.jdbi(), json, requests, policies, storages, s3, ownRecords, taxonomy, secretBox,
                settings, platform.settings().dataDir(), platform.settings().publicUrl(), platform.clock()));
        platform.bind(new PrivacyRequests(json, requests, policies, settings, providers::canSendMail,
                security::username, policyEndpoints::view, security.throttle()));
        platform.bind(new PrivacyNotices(json, requests));
        platform.bind(new ErasureFulfillment(json, connections, policies, taxonomy, providers::canSendMail));
        platform.bind(new ErasureInstructions());
        platform.bind(new DirectNotices(json));
    }
}
