package io.mailgate.template.language;

import com.ibm.icu.util.TimeZone;

/** Whether a time zone name is one Intl (ICU) knows, such as Europe/Brussels or UTC. */
public final class IntlTimeZones {

    private IntlTimeZones() {
    }

    public static boolean isKnown(String id) {
        return id != null && !id.isEmpty() && id.length() <= 64 && TimeZone.getCanonicalID(id) != null;
    }
}
