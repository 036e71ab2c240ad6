package io.mailgate.platform.rql;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The Extra Horizon list envelope: {"page":{"total","offset","limit"},"data":[...]}, with select applied. */
public final class Pages {

    private Pages() {
    }

    public static Map<String, Object> envelope(SqlQuery query, List<Map<String, Object>> records, Optional<Long> total) {
        Map<String, Object> paging = new LinkedHashMap<>();
        total.ifPresent(count -> paging.put("total", count));
        paging.put("offset", query.offset());
        paging.put("limit", query.limit());
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("page", paging);
        envelope.put("data", records.stream().map(record -> Selection.apply(record, query.select())).toList());
        return envelope;
    }
}
