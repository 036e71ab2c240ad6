package io.mailgate.mail;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.ParseException;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.Bodies;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.platform.Json;

/**
 * Reads a /mail/v1 send body and checks all of it before anything is stored: a request is either
 * wholly valid or answered with the one client error that describes its first problem.
 */
public class MailRequestParser {

    static final int MAX_RECIPIENTS = 50;
    private static final Set<String> FIELDS = Set.of("recipients", "from", "reply_to", "subject", "body",
            "attachments", "template_name", "template_id", "language", "time_zone", "content", "list_unsubscribe",
            "ignore_suppression");
    private static final Set<String> RECIPIENT_KINDS = Set.of("to", "cc", "bcc");
    private static final Set<String> ATTACHMENT_FIELDS = Set.of("name", "type", "content");
    private static final Pattern LANGUAGE = Pattern.compile("[A-Z]{2}");
    private static final Pattern TEMPLATE_ID = Pattern.compile("[0-9a-fA-F]{24}");
    private static final int MAX_SUBJECT = 998;
    private static final int MAX_NAME = 255;

    private final Json json;
    private final String defaultFrom;
    private final int maxMessageBytes;

    public MailRequestParser(Json json, String defaultFrom, int maxMessageBytes) {
        this.json = json;
        this.defaultFrom = defaultFrom;
        this.maxMessageBytes = maxMessageBytes;
    }

    public MailRequest parse(Object body) {
        JsonNode root = Bodies.jsonObject(json.mapper(), body);
        rejectUnknown(root, FIELDS, "");

        boolean template = root.has("template_name") || root.has("template_id");
        List<String> missing = new ArrayList<>();
        if (!root.has("recipients")) {
            missing.add("recipients");
        }
        if (!template) {
            if (!root.has("subject")) {
                missing.add("subject");
            }
            if (!root.has("body")) {
                missing.add("body");
            }
        }
        if (!missing.isEmpty()) {
            throw new ApiException(ErrorCode.MISSING_REQUIRED_FIELDS,
                    "Missing required fields: " + String.join(", ", missing),
                    Map.of("missingFields", missing), List.of("body", missing.get(0)));
        }

        MailRequest.Recipients recipients = recipients(root.get("recipients"));
        String from = optionalText(root, "from").orElse(defaultFrom);
        address("from", from);
        List<String> replyTo = addressList(root, "reply_to");
        String subject = optionalText(root, "subject").orElse(null);
        if (subject != null) {
            if (Headers.hasControlCharacters(subject)) {
                throw ApiException.fieldFormat("subject", "subject may not contain line breaks or control characters");
            }
            if (subject.length() > MAX_SUBJECT) {
                throw ApiException.fieldFormat("subject", "subject is longer than " + MAX_SUBJECT + " characters");
            }
        }
        String text = optionalText(root, "body").orElse(null);
        Optional<String> templateName = optionalText(root, "template_name");
        templateName.ifPresent(name -> headerSafe("template_name", name));
        Optional<String> templateId = optionalText(root, "template_id");
        templateId.filter(id -> !TEMPLATE_ID.matcher(id).matches()).ifPresent(id -> {
            throw new ApiException(ErrorCode.ID_FORMAT, "template_id must be 24 hexadecimal characters",
                    Map.of("field", "template_id"), List.of("body", "template_id"));
        });
        Optional<String> language = optionalText(root, "language");
        language.filter(l -> !LANGUAGE.matcher(l).matches()).ifPresent(l -> {
            throw ApiException.fieldFormat("language", "language must be an upper-case ISO 639-1 code such as EN");
        });
        Optional<String> timeZone = optionalText(root, "time_zone");
        timeZone.ifPresent(MailRequestParser::zone);
        Optional<JsonNode> content = Optional.ofNullable(root.get("content")).filter(node -> !node.isNull());
        content.filter(node -> !node.isObject()).ifPresent(node -> {
            throw ApiException.fieldFormat("content", "content must be an object");
        });
        List<MailRequest.Attachment> attachments = attachments(root.get("attachments"));

        long size = estimatedSize(subject, text, attachments);
        if (size > maxMessageBytes) {
            throw new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "The message would be " + size
                    + " bytes, more than the limit of " + maxMessageBytes + " bytes");
        }
        MailOptions options = new MailOptions(flag(root, "list_unsubscribe"), flag(root, "ignore_suppression"));
        if (options.listUnsubscribe() && recipients.count() != 1) {
            throw ApiException.fieldFormat("list_unsubscribe", "list_unsubscribe needs a mail to exactly one recipient: "
                    + "its link unsubscribes whoever got it");
        }
        return new MailRequest(recipients, from, replyTo, subject, text, templateName, templateId, language,
                timeZone, content, attachments, options, root);
    }

    /** Whether the request asks to reach suppressed addresses too (which needs its own scope). */
    public boolean overridesSuppression(MailRequest request) {
        return request.options().ignoreSuppression();
    }

    private static boolean flag(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw ApiException.fieldFormat(field, field + " must be true or false");
        }
        return value.asBoolean();
    }

    private static MailRequest.Recipients recipients(JsonNode node) {
        if (!node.isObject()) {
            throw ApiException.fieldFormat("recipients", "recipients must be an object with to, cc and bcc arrays");
        }
        rejectUnknown(node, RECIPIENT_KINDS, "recipients.");
        List<String> to = addressList(node, "to", "recipients.to");
        List<String> cc = addressList(node, "cc", "recipients.cc");
        List<String> bcc = addressList(node, "bcc", "recipients.bcc");
        MailRequest.Recipients recipients = new MailRequest.Recipients(to, cc, bcc);
        if (recipients.count() < 1 || recipients.count() > MAX_RECIPIENTS) {
            throw ApiException.fieldFormat("recipients",
                    "A mail needs 1 to " + MAX_RECIPIENTS + " recipients in to, cc and bcc together, not " + recipients.count());
        }
        return recipients;
    }

    private static List<String> addressList(JsonNode parent, String field) {
        return addressList(parent, field, field);
    }

    private static List<String> addressList(JsonNode parent, String field, String path) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw ApiException.fieldFormat(path, path + " must be an array of email addresses");
        }
        if (node.size() > MAX_RECIPIENTS) {
            throw ApiException.fieldFormat(path, path + " has more than " + MAX_RECIPIENTS + " addresses");
        }
        List<String> addresses = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode element = node.get(i);
            String elementPath = path + "[" + i + "]";
            if (!element.isTextual()) {
                throw ApiException.fieldFormat(path, elementPath + " must be a string");
            }
            addresses.add(address(elementPath, element.asText()));
        }
        return addresses;
    }

    private static String address(String path, String value) {
        String problem = Addresses.problem(value);
        if (problem != null) {
            throw ApiException.fieldFormat(path, path + " " + problem);
        }
        return value.trim();
    }

    private static List<MailRequest.Attachment> attachments(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw ApiException.fieldFormat("attachments", "attachments must be an array");
        }
        List<MailRequest.Attachment> attachments = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String path = "attachments[" + i + "]";
            JsonNode element = node.get(i);
            if (!element.isObject()) {
                throw ApiException.fieldFormat(path, path + " must be an object with name, type and content");
            }
            rejectUnknown(element, ATTACHMENT_FIELDS, path + ".");
            String name = requiredText(element, "name", path + ".name");
            headerSafe(path + ".name", name);
            if (name.isBlank() || name.length() > MAX_NAME) {
                throw ApiException.fieldFormat(path + ".name", path + ".name must have 1 to " + MAX_NAME + " characters");
            }
            String type = element.hasNonNull("type") ? requiredText(element, "type", path + ".type") : typeOf(name);
            headerSafe(path + ".type", type);
            try {
                ContentType parsed = new ContentType(type);
                if (parsed.getPrimaryType().isEmpty() || parsed.getSubType().isEmpty()) {
                    throw new ParseException();
                }
            } catch (ParseException e) {
                throw ApiException.fieldFormat(path + ".type", path + ".type must be a MIME type such as text/plain");
            }
            String content = requiredText(element, "content", path + ".content");
            byte[] bytes;
            try {
                // Line breaks are allowed (MIME-style base64); any other stray character is not.
                bytes = Base64.getDecoder().decode(content.replace("\r", "").replace("\n", ""));
            } catch (IllegalArgumentException e) {
                throw ApiException.fieldFormat(path + ".content", path + ".content is not valid base64");
            }
            attachments.add(new MailRequest.Attachment(name, type, bytes));
        }
        return attachments;
    }

    /** An attachment without a type (the SDK makes it optional) gets the one its file name suggests. */
    static String typeOf(String fileName) {
        String guessed = java.net.URLConnection.guessContentTypeFromName(fileName);
        return guessed == null ? "application/octet-stream" : guessed;
    }

    private static void rejectUnknown(JsonNode node, Set<String> allowed, String prefix) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                String field = prefix + name;
                throw new ApiException(ErrorCode.BODY_FORMAT, "Unknown field " + field,
                        Map.of("field", field), List.of("body", field));
            }
        }
    }

    private static Optional<String> optionalText(JsonNode parent, String field) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw ApiException.fieldFormat(field, field + " must be a string");
        }
        return Optional.of(node.asText());
    }

    private static String requiredText(JsonNode parent, String field, String path) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            throw new ApiException(ErrorCode.MISSING_REQUIRED_FIELDS, "Missing required field " + path,
                    Map.of("missingFields", List.of(path)), List.of("body", path));
        }
        if (!node.isTextual()) {
            throw ApiException.fieldFormat(path, path + " must be a string");
        }
        return node.asText();
    }

    private static void headerSafe(String path, String value) {
        if (Headers.hasControlCharacters(value)) {
            throw ApiException.fieldFormat(path, path + " may not contain line breaks or control characters");
        }
    }

    private static void zone(String value) {
        try {
            ZoneId.of(value);
        } catch (DateTimeException e) {
            throw ApiException.fieldFormat("time_zone", "time_zone must be an IANA time zone such as Europe/Brussels");
        }
    }

    private static long utf8Length(String value) {
        return value == null ? 0 : value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    /** Base64 grows content by 4/3 plus line breaks; headers and MIME structure take a few kilobytes at most. */
    private static long estimatedSize(String subject, String text, List<MailRequest.Attachment> attachments) {
        long size = 4096;
        size += utf8Length(subject) + utf8Length(text);
        for (MailRequest.Attachment attachment : attachments) {
            long encoded = (attachment.content().length + 2L) / 3 * 4;
            size += encoded + encoded / 76 * 2 + 512;
        }
        return size;
    }
}
