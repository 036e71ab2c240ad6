package io.mailgate.provider;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import io.mailgate.support.TestDatabase;

@EnabledIfEnvironmentVariable(named = "MAILGATE_TEST_PG_URL", matches = ".+")
class EmailConfigApiOnPostgresTest extends EmailConfigApiContract {
    EmailConfigApiOnPostgresTest() {
        super(TestDatabase.POSTGRES);
    }
}
