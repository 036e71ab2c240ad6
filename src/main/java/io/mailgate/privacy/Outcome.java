package io.mailgate.privacy;

import java.util.List;

/** What a privacy step answers, which notices it sends, and which requests it sets to run. */
public record Outcome(String answer, List<Notice> notices, List<PrivacyRequest> toRun) {

    public Outcome {
        notices = List.copyOf(notices);
        toRun = List.copyOf(toRun);
    }
}
