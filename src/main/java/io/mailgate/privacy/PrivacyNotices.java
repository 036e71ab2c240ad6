package io.mailgate.privacy;

import io.mailgate.mail.AcceptedMail;
import io.mailgate.platform.Json;

/** Turns a Notice into a /mail/v1 send body, and records the resulting mail on its privacy request. */
public class PrivacyNotices {

    private final Json json;
    private final PrivacyRequestStore requests;

    public PrivacyNotices(Json json, PrivacyRequestStore requests) {
        this.json = json;
        this.requests = requests;
    }

    public String sendBody(Notice notice) {
        return json.write(notice.sendBody());
    }

    public AcceptedMail recorded(Notice notice, AcceptedMail accepted) {
        if (notice.requestId() != null) {
            requests.recordMail(notice.requestId(), accepted.mail().id(), notice.kind());
            if (notice.kind().equals(ErasureFulfillment.KIND)) {
                requests.addToResultList(notice.requestId(), ErasureFulfillment.SENT, ErasureFulfillment.sentKey(
                        String.valueOf(notice.params().get("connector")), String.valueOf(notice.params().get("dataset"))));
            }
        }
        return accepted;
    }
}
