package io.mailgate.console;

import io.mailgate.platform.Platform;
import io.mailgate.provider.ProviderConfiguration;
import io.mailgate.security.SecurityConfiguration;

/** Wires the operator console: its files, the session cookie that stands for an access token, and the overview. */
public final class ConsoleConfiguration {

    public ConsoleConfiguration(Platform platform, SecurityConfiguration security, ProviderConfiguration providers) {
        ConsoleCookies cookies = platform.bind(new ConsoleCookies(security.secretBox(), platform.settings().publicUrl()));
        platform.bind(new ConsoleSessions(platform.json(), security.signIn(), cookies));
        platform.bind(new ConsoleAssets());
        platform.bind(new ConsolePreviews(platform.json(), platform.clock()));
        platform.bind(new ConsoleOverview(platform.jdbi(), platform.json(), providers::states, platform.clock()));
    }
}
