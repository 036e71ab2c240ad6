package io.mailgate.mail;

import java.util.Base64;
import java.util.Locale;

/** The answer to a mail client loading the open-tracking image: a 1×1 transparent GIF. */
public class TrackingPixel {

    private static final byte[] GIF = Base64.getDecoder().decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    /**
     * A mail client asks for an image and not for JSON. Browsers also list {@code *}/{@code *}; only an
     * explicit application/json makes the answer JSON.
     */
    public boolean wantsImage(Object accept) {
        if (!(accept instanceof String header)) {
            return false;
        }
        String value = header.toLowerCase(Locale.ROOT);
        return value.contains("image/") && !value.contains("application/json");
    }

    public byte[] gif() {
        return GIF.clone();
    }
}
