package io.mailgate.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailgate.platform.Platform;
import io.mailgate.platform.Settings;

/** Wires security: tokens, clients and users (the routes' {@code access} checks), and the box that seals every secret. */
public final class SecurityConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(SecurityConfiguration.class);

    private final LoginThrottle throttle;
    private final SecretBox secretBox;
    private final Users users;
    private final SignIn signIn;

    public SecurityConfiguration(Platform platform) {
        Settings settings = platform.settings();
        warnAboutDevelopmentCredentials(settings);
        Tokens tokens = new Tokens(platform.jdbi(), settings.tokenTtlSeconds(), platform.clock());
        Clients clients = new Clients(platform.jdbi(), tokens, settings.effectiveRootClientId(),
                settings.effectiveRootClientSecret());
        users = new Users(platform.jdbi(), tokens, platform.clock());
        throttle = new LoginThrottle(platform.jdbi(), settings.loginLimits(), platform.clock());
        platform.bind(new Access(tokens));
        platform.bind(new TokenEndpoints(clients, tokens, users, throttle, platform.json()));
        platform.bind(new UserEndpoints(users, tokens, throttle, platform.json()));
        secretBox = SecretBox.open(settings.encryptionKey(), settings.dataDir());
        signIn = new SignIn(users, clients, tokens, throttle);
    }

    /** Signing in at the operator console. */
    public SignIn signIn() {
        return signIn;
    }

    /** The counts that slow down guessing and flooding, for the public privacy endpoints too. */
    public LoginThrottle throttle() {
        return throttle;
    }

    public SecretBox secretBox() {
        return secretBox;
    }

    /** A user's name by id, for who reviewed a privacy request. */
    public java.util.Optional<String> username(String userId) {
        return userId == null ? java.util.Optional.empty() : users.find(userId).map(Users.User::username);
    }

    private static void warnAboutDevelopmentCredentials(Settings settings) {
        if (settings.devRootClient()) {
            LOG.warn("*****************************************************************************************");
            LOG.warn("* No root client is configured: using the DEVELOPMENT root client '{}' with its public  *",
                    Settings.DEV_ROOT_CLIENT_ID);
            LOG.warn("* default secret. Anyone can send mail through this gateway. Set MAILGATE_ROOT_CLIENT_ID *");
            LOG.warn("* and MAILGATE_ROOT_CLIENT_SECRET before exposing it.                                     *");
            LOG.warn("*****************************************************************************************");
        }
    }
}
