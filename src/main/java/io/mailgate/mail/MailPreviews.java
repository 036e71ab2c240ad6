package io.mailgate.mail;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mailgate.platform.Ids;
import io.mailgate.platform.Json;
import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.template.Templates;

/**
 * A mail as its recipient sees it, for the console: the rendering kept while it waits for delivery;
 * after delivery (renderings are not kept) a template mail rendered again from its template and inputs,
 * said so; a plain mail's text. The HTML is served in a sandboxed frame, never in the console's page.
 */
public class MailPreviews {

    private final MailRecords records;
    private final Templates templates;
    private final Json json;

    public MailPreviews(MailRecords records, Templates templates, Json json) {
        this.records = records;
        this.templates = templates;
        this.json = json;
    }

    /** {"html": bool, "text", "rendered_again": bool, "note"}: what the console shows beside the frame. */
    public String parts(String mailId) {
        Preview preview = preview(mailId);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("html", preview.html() != null);
        answer.put("text", preview.text());
        answer.put("rendered_again", preview.renderedAgain());
        answer.put("note", preview.note());
        return json.write(answer);
    }

    /** The HTML part, or the text as HTML for a plain mail. */
    public String html(String mailId) {
        Preview preview = preview(mailId);
        if (preview.html() != null) {
            return preview.html();
        }
        String text = preview.text() == null ? "" : preview.text();
        return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body><pre style=\"white-space:pre-wrap\">"
                + text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</pre></body></html>";
    }

    /** The frame's policy: no script ever; remote images only when the operator asked for them. */
    public String policy(Object images) {
        boolean remote = "remote".equals(images);
        return "sandbox; default-src 'none'; style-src 'unsafe-inline'; font-src data:; frame-ancestors 'self'; img-src data:"
                + (remote ? " https: http:" : "");
    }

    private record Preview(String html, String text, boolean renderedAgain, String note) {
    }

    private Preview preview(String mailId) {
        Ids.require(mailId, "id");
        Mail mail = records.find(mailId).orElseThrow(() -> new ApiException(ErrorCode.RESOURCE_UNKNOWN, "No mail found with this id"));
        ComposedMail.Rendering kept = records.renderings(List.of(mailId)).get(mailId);
        if (kept != null) {
            return new Preview(kept.html(), kept.text(), false, null);
        }
        if (mail.templateId().isEmpty() && mail.templateName().isEmpty()) {
            return new Preview(null, mail.body(), false, null);
        }
        try {
            Templates.Found found = templates.lookUpForMail(mail.templateId().or(mail::templateName).orElseThrow(),
                    mail.language().orElse(null));
            ObjectNode inputs = mail.contentJson().map(content -> (JsonNode) json.readTree(content)).filter(JsonNode::isObject)
                    .map(node -> ((ObjectNode) node).deepCopy()).orElseGet(() -> json.mapper().createObjectNode());
            inputs.put(MailComposer.TRACKING_INPUT, "preview");
            Map<String, String> outputs = templates.render(found, mail.language().orElse(null), mail.timeZone().orElse(null), inputs)
                    .outputs();
            return new Preview(outputs.get("body"), Optional.ofNullable(outputs.get("text")).orElse(mail.body()), true,
                    "Rendered again from the template as it is now: the rendering sent is not kept after delivery.");
        } catch (RuntimeException e) {
            return new Preview(null, mail.body(), false, "The template cannot render this mail any more: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }
}
