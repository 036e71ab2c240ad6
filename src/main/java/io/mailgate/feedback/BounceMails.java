package io.mailgate.feedback;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;

import io.mailgate.mail.Mail;
import io.mailgate.mail.MailEvent;
import io.mailgate.mail.MailEvents;
import io.mailgate.mail.MailRecords;
import io.mailgate.mail.MailRequest;

/**
 * Bounce mails from the bounce mailbox. A delivery status notification (RFC 3464: a
 * multipart/report whose message/delivery-status part has a block per recipient with its Action,
 * Status and Diagnostic-Code) is read as such; the common non-standard bounces (qmail, Exim, Postfix
 * without a report, Exchange's text) by their text: an address followed by the server's answer. The
 * mail is the one its return path names (VERP), or else the one the returned message's Message-ID or
 * X-Mailgate-Id names; a recipient counts only when it is one of that mail's recipients, so a forged
 * bounce can suppress no one the mail was not sent to. Anything else in the mailbox is ignored.
 */
public class BounceMails {

    private static final int MAX_TEXT = 256 * 1024;
    private static final Pattern OUR_MESSAGE_ID = Pattern.compile("(?im)^(?:message-id|references|in-reply-to):\\s*<([0-9a-f]{24})@");
    private static final Pattern MAILGATE_ID = Pattern.compile("(?im)^x-mailgate-id:\\s*([0-9a-f]{24})\\s*$");
    private static final Pattern STATUS = Pattern.compile("\\b([245])\\.([0-9]{1,3})\\.([0-9]{1,3})\\b");
    private static final Pattern REPLY = Pattern.compile("\\b([45][0-9][0-9])[ -]");
    private static final Pattern LONE_ADDRESS = Pattern.compile("^<?([A-Za-z0-9._%+'=-]{1,64}@[A-Za-z0-9.-]{1,253})>?:?$");
    private static final Pattern ADDRESS = Pattern.compile("<?([A-Za-z0-9._%+'=-]{1,64}@[A-Za-z0-9.-]{1,253})>?");

    private final MailRecords mails;
    private final MailEvents events;
    private final Feedback feedback;
    private final io.mailgate.deadletter.DeadLetterStore deadLetters;
    private final io.micrometer.core.instrument.MeterRegistry meters;

    public BounceMails(MailRecords mails, MailEvents events, Feedback feedback, io.mailgate.deadletter.DeadLetterStore deadLetters,
                       io.micrometer.core.instrument.MeterRegistry meters) {
        this.mails = mails;
        this.events = events;
        this.feedback = feedback;
        this.deadLetters = deadLetters;
        this.meters = meters;
    }

    /** A dead letter of the bounce mailbox, read again. */
    public String replay(String raw) throws MessagingException, IOException {
        if (raw == null) {
            throw new MessagingException("The dead letter keeps no mail to read again");
        }
        return receive(new MimeMessage(jakarta.mail.Session.getInstance(new java.util.Properties()),
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8))));
    }

    /** A mail of the bounce mailbox that could not be read: a dead letter with the reason and the raw mail. */
    public void deadLetter(Object mail, Exception failure) {
        String raw;
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            if (mail instanceof Message message) {
                message.writeTo(out);
            }
            raw = out.toString(StandardCharsets.UTF_8);
        } catch (IOException | MessagingException | RuntimeException e) {
            raw = null;
        }
        if (raw != null && raw.length() > MAX_TEXT) {
            raw = raw.substring(0, MAX_TEXT);
        }
        String reason = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        deadLetters.record("bounce-mailbox", "The bounce mail could not be read: " + reason, raw, Map.of());
        count("dead letter");
    }

    private void count(String result) {
        io.micrometer.core.instrument.Counter.builder("mailgate.feedback.bounce.mails").description("Mails read from the bounce mailbox")
                .tag("result", result).register(meters).increment();
    }

    /** One recipient's bounce, as a report says it. */
    record Bounce(String recipient, MailEvent.Bounce severity, String diagnostic) {
    }

    /** @return what became of the mail: "recorded", "duplicate", "not a bounce" or "unknown mail" */
    public String receive(Message message) throws MessagingException, IOException {
        String result = read(message);
        count(result);
        return result;
    }

    private String read(Message message) throws MessagingException, IOException {
        Map<String, String> headers = headers(message);
        String text = text(message);
        Optional<String> mailId = mailId(message, text);
        if (mailId.isEmpty()) {
            return looksLikeBounce(message, text) ? "unknown mail" : "not a bounce";
        }
        Optional<Mail> mail = mails.find(mailId.get());
        if (mail.isEmpty()) {
            return "unknown mail";
        }
        List<Bounce> bounces = deliveryStatus(message);
        if (bounces == null) {
            bounces = fromText(text);
        }
        Set<String> recipients = recipients(mail.get().recipients());
        List<Bounce> ours = bounces.stream().filter(b -> recipients.contains(b.recipient().toLowerCase(Locale.ROOT))).toList();
        if (ours.isEmpty() && bounces.isEmpty() && recipients.size() == 1 && looksLikeBounce(message, text)) {
            // A bounce that names no one, of a mail to one recipient: that recipient, hard when it says permanent.
            ours = List.of(new Bounce(recipients.iterator().next(), text.toLowerCase(Locale.ROOT).contains("permanent")
                    ? MailEvent.Bounce.HARD : MailEvent.Bounce.SOFT, firstAnswer(text)));
        }
        if (ours.isEmpty()) {
            return "not a bounce";
        }
        String reportId = headers.getOrDefault("message-id", "");
        long at = message.getSentDate() != null ? message.getSentDate().getTime() : System.currentTimeMillis();
        Optional<MailEvents.Target> target = events.byMailId(mailId.get());
        String result = "duplicate";
        for (Bounce bounce : ours) {
            Feedback.Result recorded = feedback.report(target, Feedback.Report.of("dsn", "dsn:" + mailId.get() + ":"
                            + bounce.recipient().toLowerCase(Locale.ROOT) + ":" + reportId, MailEvent.Type.BOUNCED, at, bounce.recipient())
                    .bounce(bounce.severity()).detail(bounce.diagnostic()));
            if (recorded == Feedback.Result.RECORDED) {
                result = "recorded";
            }
        }
        return result;
    }

    /** The mail the bounce is about: by the return path it was sent to, else by the returned message's ids. */
    static Optional<String> mailId(Message message, String text) throws MessagingException {
        for (String name : List.of("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To", "Return-Path")) {
            String[] values = message.getHeader(name);
            if (values != null) {
                for (String value : values) {
                    Optional<String> id = Verp.mailId(value);
                    if (id.isPresent()) {
                        return id;
                    }
                }
            }
        }
        Matcher ours = OUR_MESSAGE_ID.matcher(text);
        if (ours.find()) {
            return Optional.of(ours.group(1));
        }
        Matcher tagged = MAILGATE_ID.matcher(text);
        return tagged.find() ? Optional.of(tagged.group(1)) : Optional.empty();
    }

    /** The per-recipient blocks of a message/delivery-status part; null when the mail has none. */
    static List<Bounce> deliveryStatus(Part part) throws MessagingException, IOException {
        if (part.isMimeType("message/delivery-status") || part.isMimeType("message/global-delivery-status")) {
            return blocks(bytes(part));
        }
        if (part.isMimeType("multipart/*")) {
            Object content = part.getContent();
            if (content instanceof Multipart multipart) {
                for (int i = 0; i < multipart.getCount(); i++) {
                    List<Bounce> found = deliveryStatus(multipart.getBodyPart(i));
                    if (found != null) {
                        return found;
                    }
                }
            }
        }
        return null;
    }

    /** Header-like blocks separated by blank lines: the first about the message, then one per recipient. */
    private static List<Bounce> blocks(byte[] report) throws MessagingException {
        List<Bounce> bounces = new ArrayList<>();
        ByteArrayInputStream in = new ByteArrayInputStream(report);
        new InternetHeaders(in); // the per-message fields: Reporting-MTA, Arrival-Date
        for (int block = 0; block < 1000 && in.available() > 0; block++) {
            InternetHeaders recipient = new InternetHeaders(in);
            String finalRecipient = first(recipient, "Final-Recipient");
            if (finalRecipient == null) {
                finalRecipient = first(recipient, "Original-Recipient");
            }
            String action = Optional.ofNullable(first(recipient, "Action")).orElse("").trim().toLowerCase(Locale.ROOT);
            if (finalRecipient == null || !(action.equals("failed") || action.equals("delayed"))) {
                continue;
            }
            String address = finalRecipient.contains(";") ? finalRecipient.substring(finalRecipient.indexOf(';') + 1) : finalRecipient;
            Matcher bare = ADDRESS.matcher(address.trim());
            if (!bare.find()) {
                continue;
            }
            String status = Optional.ofNullable(first(recipient, "Status")).orElse("").trim();
            String diagnostic = Optional.ofNullable(first(recipient, "Diagnostic-Code")).orElse("").replaceAll("\\s+", " ").trim();
            if (diagnostic.toLowerCase(Locale.ROOT).startsWith("smtp;")) {
                diagnostic = diagnostic.substring(5).trim();
            }
            MailEvent.Bounce severity = action.equals("delayed") ? MailEvent.Bounce.SOFT : severity(status + " " + diagnostic);
            bounces.add(new Bounce(bare.group(1), severity, (status + " " + diagnostic).trim()));
        }
        return bounces;
    }

    /**
     * Non-standard bounces: an address on a line of its own (or followed by a colon), then within a few
     * lines the server's answer (a 4xx or 5xx reply, or an enhanced status code).
     */
    static List<Bounce> fromText(String text) {
        List<Bounce> bounces = new ArrayList<>();
        String[] lines = text.split("\\r?\\n");
        for (int i = 0; i < lines.length && bounces.size() < 100; i++) {
            String line = lines[i].trim();
            Matcher address = LONE_ADDRESS.matcher(line);
            if (!address.matches()) {
                continue;
            }
            for (int j = i + 1; j < Math.min(lines.length, i + 5); j++) {
                String answer = lines[j].trim();
                if (REPLY.matcher(answer + " ").find() || STATUS.matcher(answer).find()) {
                    bounces.add(new Bounce(address.group(1), severity(answer), answer.length() > 500 ? answer.substring(0, 500) : answer));
                    break;
                }
            }
        }
        return bounces;
    }

    /**
     * Hard when the answer is permanent (5.x.x or a 5xx reply) and blames the address: X.0 (unspecified),
     * X.1 (addressing) or X.4 (routing: no such domain), and X.2 (mailbox) except 5.2.2, a full mailbox.
     * Anything else - a full mailbox, the system, the content, a policy or spam verdict - is soft: it
     * suppresses only when it repeats.
     */
    static MailEvent.Bounce severity(String answer) {
        Matcher status = STATUS.matcher(answer);
        if (status.find()) {
            if (!status.group(1).equals("5")) {
                return MailEvent.Bounce.SOFT;
            }
            String subject = status.group(2);
            boolean full = subject.equals("2") && status.group(3).equals("2");
            return !full && (subject.equals("0") || subject.equals("1") || subject.equals("2") || subject.equals("4"))
                    ? MailEvent.Bounce.HARD : MailEvent.Bounce.SOFT;
        }
        Matcher reply = REPLY.matcher(answer + " ");
        return reply.find() && reply.group(1).startsWith("5") && !reply.group(1).equals("552") ? MailEvent.Bounce.HARD
                : MailEvent.Bounce.SOFT;
    }

    static boolean looksLikeBounce(Message message, String text) throws MessagingException {
        if (message.isMimeType("multipart/report")) {
            return true;
        }
        String subject = Optional.ofNullable(message.getSubject()).orElse("").toLowerCase(Locale.ROOT);
        String from = String.join(",", Optional.ofNullable(message.getHeader("From")).orElse(new String[0])).toLowerCase(Locale.ROOT);
        return from.contains("mailer-daemon") || from.contains("postmaster") || subject.contains("undeliver")
                || subject.contains("delivery status") || subject.contains("failure notice") || subject.contains("returned mail")
                || subject.contains("delivery failure");
    }

    private static String firstAnswer(String text) {
        for (String line : text.split("\\r?\\n")) {
            if (REPLY.matcher(line.trim() + " ").find() && STATUS.matcher(line).find()) {
                String answer = line.trim();
                return answer.length() > 500 ? answer.substring(0, 500) : answer;
            }
        }
        return "bounced";
    }

    private static Set<String> recipients(MailRequest.Recipients recipients) {
        Set<String> all = new java.util.HashSet<>();
        for (List<String> list : List.of(recipients.to(), recipients.cc(), recipients.bcc())) {
            for (String address : list) {
                all.add(io.mailgate.mail.Addresses.bare(address).toLowerCase(Locale.ROOT));
            }
        }
        return all;
    }

    private static Map<String, String> headers(Message message) throws MessagingException {
        Map<String, String> headers = new LinkedHashMap<>();
        String[] id = message.getHeader("Message-ID");
        if (id != null && id.length > 0) {
            headers.put("message-id", id[0].length() > 200 ? id[0].substring(0, 200) : id[0]);
        }
        return headers;
    }

    /** The mail's text: every text part and the returned message or headers, up to a limit. */
    static String text(Part part) throws MessagingException, IOException {
        StringBuilder text = new StringBuilder();
        collect(part, text, 0);
        return text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text.toString();
    }

    private static void collect(Part part, StringBuilder text, int depth) throws MessagingException, IOException {
        if (depth > 5 || text.length() > MAX_TEXT) {
            return;
        }
        if (part.isMimeType("multipart/*") && part.getContent() instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                collect(multipart.getBodyPart(i), text, depth + 1);
            }
        } else if (part.isMimeType("message/rfc822") && part.getContent() instanceof MimeMessage returned) {
            for (var headers = returned.getAllHeaderLines(); headers.hasMoreElements(); ) {
                text.append(headers.nextElement()).append('\n');
            }
            collect(returned, text, depth + 1);
        } else if (part.isMimeType("text/*") || part.isMimeType("message/*")) {
            text.append(new String(bytes(part), StandardCharsets.UTF_8)).append('\n');
        }
    }

    private static byte[] bytes(Part part) throws MessagingException, IOException {
        try (InputStream in = part.getInputStream()) {
            return in.readNBytes(MAX_TEXT);
        }
    }

    private static String first(InternetHeaders headers, String name) {
        String[] values = headers.getHeader(name);
        return values == null || values.length == 0 ? null : values[0];
    }
}
