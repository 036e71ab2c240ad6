package io.mailgate.privacy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** fidesops' answer to a bulk request: {"succeeded":[...],"failed":[{"message","data"}]}. */
public final class BulkAnswer {

    private final List<Object> succeeded = new ArrayList<>();
    private final List<Object> failed = new ArrayList<>();

    public void succeeded(Object item) {
        succeeded.add(item);
    }

    public void failed(String message, Object data) {
        Map<String, Object> failure = new LinkedHashMap<>();
        failure.put("message", message);
        failure.put("data", data);
        failed.add(failure);
    }

    /** A save's outcome: the saved record's view, or fidesops' message for a taken key or name. */
    public void saved(Saved saved, String model, String key, String name, Object data, java.util.function.Supplier<Object> view) {
        if (saved == Saved.SAVED) {
            succeeded(view.get());
        } else {
            failed(saved.failure(model, key, name), data);
        }
    }

    public Map<String, Object> toMap() {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("succeeded", succeeded);
        answer.put("failed", failed);
        return answer;
    }
}
