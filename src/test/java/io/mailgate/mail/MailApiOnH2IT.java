package io.mailgate.mail;

import io.mailgate.support.TestDatabase;

class MailApiOnH2IT extends MailApiContract {
    MailApiOnH2IT() {
        super(TestDatabase.H2);
    }
}
