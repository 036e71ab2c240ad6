package io.mailgate.mail;

import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailgate.security.Secrets;
import io.mailgate.template.Templates;

/**
 * Renders a template mail before it is stored, so that a template problem is the caller's 400 and
 * not a failed delivery later. Plain mails pass through unchanged.
 */
public class MailComposer {

    static final String TRACKING_INPUT = "tracking_hash";

    private final Templates templates;
    private final ObjectMapper mapper;

    public MailComposer(Templates templates, ObjectMapper mapper) {
        this.templates = templates;
        this.mapper = mapper;
    }

    /** The template a template mail names, with its localizations; null for a plain mail. */
    public Templates.Found template(MailRequest request) {
        if (!request.isTemplate()) {
            return null;
        }
        return templates.lookUpForMail(request.templateId().or(request::templateName).orElseThrow(), request.language().orElse(null));
    }

    /** A plain mail as it is; a template mail rendered with its template, its inputs and a new tracking hash. */
    public ComposedMail compose(MailRequest request, Templates.Found template) {
        if (template == null) {
            return ComposedMail.plain(request);
        }
        String trackingHash = Secrets.random();
        ObjectNode inputs = request.content().map(content -> ((ObjectNode) content).deepCopy())
                .orElseGet(mapper::createObjectNode);
        inputs.put(TRACKING_INPUT, trackingHash);
        Templates.Resolved resolved = templates.render(template, request.language().orElse(null),
                request.timeZone().orElse(null), inputs);
        Map<String, String> outputs = resolved.outputs();
        for (String needed : java.util.List.of("subject", "body")) {
            if (!outputs.containsKey(needed)) {
                throw new io.mailgate.platform.http.ApiException(io.mailgate.platform.http.ErrorCode.TEMPLATE_RESOLVING,
                        "Template " + resolved.templateName() + " is not a mail template: it has no " + needed + " output",
                        Map.of("resolveError", Map.of("output", needed, "message", "missing")), java.util.List.of("body", "template_id"));
            }
        }
        String text = Optional.ofNullable(outputs.get("text")).orElse(request.body());
        return new ComposedMail(request, outputs.get("subject"), Optional.ofNullable(resolved.templateId()),
                Optional.of(resolved.templateName()), Optional.of(new ComposedMail.Rendering(outputs.get("body"), text)),
                Optional.of(trackingHash));
    }
}
