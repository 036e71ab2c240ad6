package io.mailgate.mail;

import java.util.Optional;

/**
 * A request made ready to store: for a template mail, the resolved subject, the rendered HTML and
 * text, and the tracking hash (which never leaves the server except inside the rendered HTML).
 */
public record ComposedMail(
        MailRequest request,
        String subject,
        Optional<String> templateId,
        Optional<String> templateName,
        Optional<Rendering> rendering,
        Optional<String> trackingHash) {

    /** What the message shows: HTML from outputs.body, text from outputs.text or the request's body. */
    public record Rendering(String html, String text) {
    }

    public static ComposedMail plain(MailRequest request) {
        return new ComposedMail(request, request.subject(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }
}
