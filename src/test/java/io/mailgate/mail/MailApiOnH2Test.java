package io.mailgate.mail;

import io.mailgate.support.TestDatabase;

class MailApiOnH2Test extends MailApiContract {
    MailApiOnH2Test() {
        super(TestDatabase.H2);
    }
}
