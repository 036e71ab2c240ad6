package io.mailgate.platform;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Record ids: 24 hex characters like a MongoDB ObjectId, seconds since the epoch then 8 random bytes. */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern ID = Pattern.compile("[0-9a-f]{24}");

    private Ids() {
    }

    public static String newId(long nowMillis) {
        byte[] bytes = new byte[12];
        int seconds = (int) (nowMillis / 1000);
        bytes[0] = (byte) (seconds >>> 24);
        bytes[1] = (byte) (seconds >>> 16);
        bytes[2] = (byte) (seconds >>> 8);
        bytes[3] = (byte) seconds;
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        System.arraycopy(random, 0, bytes, 4, 8);
        return HexFormat.of().formatHex(bytes);
    }

    public static boolean looksLikeId(String value) {
        return value != null && ID.matcher(value).matches();
    }

    /** The id of a path or field, or a 400 code 12 (Extra Horizon's IDFormatError) when it cannot be one. */
    public static String require(String value, String field) {
        if (!looksLikeId(value)) {
            throw new io.mailgate.platform.http.ApiException(io.mailgate.platform.http.ErrorCode.ID_FORMAT,
                    field + " must be 24 hexadecimal characters", java.util.Map.of("field", field), java.util.List.of(field));
        }
        return value;
    }
}
