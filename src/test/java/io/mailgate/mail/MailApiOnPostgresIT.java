package io.mailgate.mail;

import io.mailgate.support.TestDatabase;

class MailApiOnPostgresIT extends MailApiContract {
    MailApiOnPostgresIT() {
        super(TestDatabase.POSTGRES);
    }
}
