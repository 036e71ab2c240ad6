package io.mailgate.mail;

/** Header values may not smuggle in new headers. */
public final class Headers {

    private Headers() {
    }

    /** CR, LF, NUL and the other C0 controls (tab aside) end or corrupt a header line. */
    public static boolean hasControlCharacters(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || c == '\u2028' || c == '\u2029' || c == '\u0085') {
                return true;
            }
        }
        return false;
    }
}
