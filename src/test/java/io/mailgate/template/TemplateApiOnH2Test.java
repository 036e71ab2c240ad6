package io.mailgate.template;

import io.mailgate.support.TestDatabase;

class TemplateApiOnH2Test extends TemplateApiContract {
    TemplateApiOnH2Test() {
        super(TestDatabase.H2);
    }
}
