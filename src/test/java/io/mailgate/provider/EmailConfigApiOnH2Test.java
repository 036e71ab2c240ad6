package io.mailgate.provider;

import io.mailgate.support.TestDatabase;

class EmailConfigApiOnH2Test extends EmailConfigApiContract {
    EmailConfigApiOnH2Test() {
        super(TestDatabase.H2);
    }
}
