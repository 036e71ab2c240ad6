package io.mailgate.template;

import io.mailgate.support.TestDatabase;

class TemplateApiOnPostgresIT extends TemplateApiContract {
    TemplateApiOnPostgresIT() {
        super(TestDatabase.POSTGRES);
    }
}
