package io.mailgate.reliability;

import io.mailgate.support.TestDatabase;

class CrashOnH2IT extends CrashContract {
    CrashOnH2IT() {
        super(TestDatabase.H2);
    }
}
