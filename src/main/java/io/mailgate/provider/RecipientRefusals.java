package io.mailgate.provider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;

import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

import io.mailgate.mail.Mail;

/**
 * What an SMTP server said per recipient, read from JavaMail's SendFailedException (the smtp-sink sends
 * with {@code mail.smtp.sendpartial}: the message goes to every recipient the server accepted, and the
 * refused ones come back with the server's answer to their RCPT TO).
 *
 * @param delivered the recipients the message went to
 * @param refused   the refused ones; a 4xx answer (and 552, RFC 5321 4.5.3.1.10) is for now, the rest for good
 */
record RecipientRefusals(List<String> delivered, List<Mail.RefusedRecipient> refused) {

    private static final int MAX_RESPONSE = 300;

    /**
     * The per-recipient outcome when the failure is one (some recipients refused, the message itself
     * taken or never sent for lack of a recipient); null when the failure concerns the whole message.
     */
    static RecipientRefusals of(Throwable failure) {
        SendFailedException send = find(failure);
        if (send == null) {
            return null;
        }
        boolean messageRefused = send instanceof SMTPSendFailedException smtp && smtp.getReturnCode() >= 400;
        List<String> delivered = addresses(send.getValidSentAddresses());
        List<String> invalid = addresses(send.getInvalidAddresses());
        List<String> unsent = addresses(send.getValidUnsentAddresses());
        if (delivered.isEmpty() && (messageRefused || invalid.isEmpty() && unsent.isEmpty())) {
            return null;
        }
        Map<String, SMTPAddressFailedException> answers = new LinkedHashMap<>();
        for (Exception next = send.getNextException(); next != null;
             next = next instanceof MessagingException m ? m.getNextException() : null) {
            if (next instanceof SMTPAddressFailedException address) {
                answers.put(address.getAddress().getAddress().toLowerCase(java.util.Locale.ROOT), address);
            }
        }
        List<Mail.RefusedRecipient> refused = new ArrayList<>();
        for (String address : invalid) {
            refused.add(refusal(address, answers, 550, true));
        }
        if (!messageRefused) {
            for (String address : unsent) {
                SMTPAddressFailedException answer = answers.get(address.toLowerCase(java.util.Locale.ROOT));
                if (answer != null) {
                    refused.add(refusal(address, answers, 450, false));
                }
            }
        }
        return new RecipientRefusals(delivered, refused);
    }

    private static Mail.RefusedRecipient refusal(String address, Map<String, SMTPAddressFailedException> answers,
                                                 int defaultCode, boolean defaultPermanent) {
        SMTPAddressFailedException answer = answers.get(address.toLowerCase(java.util.Locale.ROOT));
        if (answer == null) {
            return new Mail.RefusedRecipient(address, defaultCode, "refused", defaultPermanent);
        }
        int code = answer.getReturnCode();
        String response = answer.getMessage() == null ? "" : answer.getMessage().replaceAll("[\\r\\n]+", " ").trim();
        if (response.length() > MAX_RESPONSE) {
            response = response.substring(0, MAX_RESPONSE);
        }
        boolean forNow = code >= 400 && code < 500 || code == 552;
        return new Mail.RefusedRecipient(address, code, response, !forNow);
    }

    private static SendFailedException find(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SendFailedException send) {
                return send;
            }
        }
        return null;
    }

    private static List<String> addresses(Address[] addresses) {
        List<String> list = new ArrayList<>();
        if (addresses != null) {
            for (Address address : addresses) {
                list.add(address instanceof InternetAddress internet ? internet.getAddress() : address.toString());
            }
        }
        return list;
    }
}
