package io.mailgate.kamelet;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;

/**
 * A multipart/form-data body as RFC 7578 has it: UTF-8 throughout, names and file names as quoted
 * UTF-8 strings (a quote, CR and LF percent-encoded as HTML does), text fields without a Content-Type
 * of their own, and no charset parameter on the form (HttpClient's builder declares ISO-8859-1 there,
 * and percent-encodes file names in its extended mode).
 */
public final class FormData {

    private static final byte[] CRLF = {'\r', '\n'};

    private final String boundary = "mailgate-" + UUID.randomUUID();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream(8192);

    public FormData text(String name, String value) {
        part("form-data; name=\"" + quoted(name) + "\"", null, value.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    public FormData file(String name, String fileName, String contentType, byte[] content) {
        part("form-data; name=\"" + quoted(name) + "\"; filename=\"" + quoted(fileName) + "\"", contentType, content);
        return this;
    }

    public HttpEntity build() {
        write("--" + boundary + "--");
        body.writeBytes(CRLF);
        return new ByteArrayEntity(body.toByteArray(), ContentType.create("multipart/form-data").withParameters(
                new org.apache.hc.core5.http.message.BasicNameValuePair("boundary", boundary)));
    }

    private void part(String disposition, String contentType, byte[] content) {
        write("--" + boundary);
        body.writeBytes(CRLF);
        write("Content-Disposition: " + disposition);
        body.writeBytes(CRLF);
        if (contentType != null) {
            write("Content-Type: " + contentType);
            body.writeBytes(CRLF);
        }
        body.writeBytes(CRLF);
        body.writeBytes(content);
        body.writeBytes(CRLF);
    }

    private void write(String text) {
        body.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String quoted(String value) {
        return value.replace("\"", "%22").replace("\r", "%0D").replace("\n", "%0A");
    }
}
