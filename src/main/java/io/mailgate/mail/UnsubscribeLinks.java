package io.mailgate.mail;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import io.mailgate.platform.Ids;
import io.mailgate.security.SecretBox;

/**
 * The one-click unsubscribe links of mails that ask for one: the public URL of the mail's unsubscribe
 * endpoint, signed with a key derived from the encryption key, so that nobody can make one for a mail
 * they did not receive.
 */
public class UnsubscribeLinks {

    private static final String PURPOSE = "unsubscribe";

    private final SecretBox secretBox;
    private final String publicUrl;

    public UnsubscribeLinks(SecretBox secretBox, String publicUrl) {
        this.secretBox = secretBox;
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    }

    public String url(String mailId) {
        return publicUrl + "/api/v1/unsubscribe/" + mailId + "/" + secretBox.sign(PURPOSE, mailId);
    }

    public boolean verify(String mailId, String signature) {
        if (!Ids.looksLikeId(mailId) || signature == null || signature.length() > 100) {
            return false;
        }
        return MessageDigest.isEqual(secretBox.sign(PURPOSE, mailId).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }
}
