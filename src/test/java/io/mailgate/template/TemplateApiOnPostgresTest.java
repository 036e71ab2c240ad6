package io.mailgate.template;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import io.mailgate.support.TestDatabase;

@EnabledIfEnvironmentVariable(named = "MAILGATE_TEST_PG_URL", matches = ".+")
class TemplateApiOnPostgresTest extends TemplateApiContract {
    TemplateApiOnPostgresTest() {
        super(TestDatabase.POSTGRES);
    }
}
