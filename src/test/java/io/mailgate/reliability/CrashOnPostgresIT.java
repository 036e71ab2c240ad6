package io.mailgate.reliability;

import io.mailgate.support.TestDatabase;

class CrashOnPostgresIT extends CrashContract {
    CrashOnPostgresIT() {
        super(TestDatabase.POSTGRES);
    }
}
