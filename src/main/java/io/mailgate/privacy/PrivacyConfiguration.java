package io.mailgate.privacy;

import java.time.Duration;

import io.mailgate.mail.MailConfiguration;
import io.mailgate.mail.MailOutcomes;
import io.mailgate.platform.Json;
import io.mailgate.platform.Platform;
import io.mailgate.provider.ProviderConfiguration;
import io.mailgate.security.SecretBox;

/** Wires the fidesops privacy side: connectors and datasets, policies, privacy requests and their notices. */
public final class PrivacyConfiguration {

    /** How long PUT .../secret waits for the outcome of its test email. */
    private static final Duration TEST_EMAIL_WAIT = Duration.ofSeconds(20);

    public PrivacyConfiguration(Platform platform, SecretBox secretBox, MailConfiguration mail, ProviderConfiguration providers) {
        Json json = platform.json();
        Taxonomy taxonomy = Taxonomy.load();
        ConnectionStore connections = new ConnectionStore(platform.jdbi(), json, secretBox, platform.clock());
        PolicyStore policies = new PolicyStore(platform.jdbi(), json, platform.clock());
        PrivacyRequestStore requests = new PrivacyRequestStore(platform.jdbi(), json, platform.clock());
        platform.bind(new ConnectionEndpoints(json, connections, new MailOutcomes(mail.records(), TEST_EMAIL_WAIT)));
        platform.bind(new DatasetEndpoints(json, connections, new FidesDatasets(taxonomy), new DatasetRules()));
        platform.bind(new PolicyEndpoints(json, policies, taxonomy));
        platform.bind(new PrivacyRequests(json, requests, policies, platform.settings().privacy(), providers::canSendMail));
        platform.bind(new PrivacyNotices(json, requests));
        platform.bind(new ErasureFulfillment(json, connections, policies, taxonomy));
        platform.bind(new ErasureInstructions());
        platform.bind(new DirectNotices(json));
    }
}
