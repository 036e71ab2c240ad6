package io.mailgate.provider;

import io.mailgate.support.TestDatabase;

class EmailConfigApiOnH2IT extends EmailConfigApiContract {
    EmailConfigApiOnH2IT() {
        super(TestDatabase.H2);
    }
}
