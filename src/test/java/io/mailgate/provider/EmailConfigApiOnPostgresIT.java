package io.mailgate.provider;

import io.mailgate.support.TestDatabase;

class EmailConfigApiOnPostgresIT extends EmailConfigApiContract {
    EmailConfigApiOnPostgresIT() {
        super(TestDatabase.POSTGRES);
    }
}
