package io.mailgate.reliability;

import io.mailgate.support.TestDatabase;

class CrashOnH2Test extends CrashContract {
    CrashOnH2Test() {
        super(TestDatabase.H2);
    }
}
