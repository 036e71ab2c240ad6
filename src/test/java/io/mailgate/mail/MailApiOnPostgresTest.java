package io.mailgate.mail;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import io.mailgate.support.TestDatabase;

@EnabledIfEnvironmentVariable(named = "MAILGATE_TEST_PG_URL", matches = ".+")
class MailApiOnPostgresTest extends MailApiContract {
    MailApiOnPostgresTest() {
        super(TestDatabase.POSTGRES);
    }
}
