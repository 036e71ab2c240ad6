package io.mailgate.template;

import io.mailgate.support.TestDatabase;

class TemplateApiOnH2IT extends TemplateApiContract {
    TemplateApiOnH2IT() {
        super(TestDatabase.H2);
    }
}
