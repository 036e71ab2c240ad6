package io.mailgate.reliability;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import io.mailgate.support.TestDatabase;

@EnabledIfEnvironmentVariable(named = "MAILGATE_TEST_PG_URL", matches = ".+")
class CrashOnPostgresTest extends CrashContract {
    CrashOnPostgresTest() {
        super(TestDatabase.POSTGRES);
    }
}
