package io.mailgate.console;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import io.mailgate.platform.Json;
import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.security.Secrets;

/**
 * The template previews the console's editor asks for: the rendered outputs are answered at once, and
 * the HTML body is kept a few minutes under a random id, so that a sandboxed frame can load it from
 * its own URL with its own policy (a frame's inline document would inherit the console's policy,
 * which would block the template's inline styles). At most 200 previews, the oldest go first.
 */
public class ConsolePreviews {

    private static final int MAX = 200;
    private static final long KEEP_MILLIS = 10 * 60_000L;

    private record Kept(String html, long at) {
    }

    private final Json json;
    private final Clock clock;
    private final Map<String, Kept> kept = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Kept> eldest) {
            return size() > MAX;
        }
    };

    public ConsolePreviews(Json json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    /** {"outputs": {...}, "preview_id"}: the outputs, and the id under which the body's HTML is kept. */
    public String keep(Map<String, String> outputs) {
        String id = Secrets.random();
        String body = outputs.get("body");
        synchronized (kept) {
            kept.put(id, new Kept(body == null ? "" : body, clock.millis()));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("outputs", outputs);
        answer.put("preview_id", id);
        return json.write(answer);
    }

    public String html(String id) {
        Kept preview;
        synchronized (kept) {
            preview = id == null ? null : kept.get(id);
        }
        if (preview == null || clock.millis() - preview.at() > KEEP_MILLIS) {
            throw new ApiException(ErrorCode.RESOURCE_UNKNOWN, "This preview is gone: render it again");
        }
        return preview.html();
    }
}
