package io.mailgate.privacy;

import java.util.List;

/** What a privacy step answers, which notices it sends, and which requests it sets to work (approved ones). */
public record Outcome(String answer, List<Notice> notices, List<PrivacyRequest> approved) {

    public Outcome {
        notices = List.copyOf(notices);
        approved = List.copyOf(approved);
    }
}
