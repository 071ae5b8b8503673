package kylingo.compat;

import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Req is one decoded request with typed accessors that name a missing argument. */
final class Req {
    private final Map<String, Object> m;

    @SuppressWarnings("unchecked")
    Req(Map<?, ?> m) {
        this.m = (Map<String, Object>) m;
    }

    private Object need(String k) {
        Object v = m.get(k);
        if (v == null) {
            throw new IllegalArgumentException("request needs \"" + k + "\"");
        }
        return v;
    }

    String str(String k) {
        return need(k).toString();
    }

    String str(String k, String dft) {
        Object v = m.get(k);
        return v == null ? dft : v.toString();
    }

    long num(String k) {
        return ((Number) need(k)).longValue();
    }

    long num(String k, long dft) {
        Object v = m.get(k);
        return v == null ? dft : ((Number) v).longValue();
    }

    byte[] bytes(String k) {
        return Base64.getDecoder().decode(str(k));
    }

    @SuppressWarnings("unchecked")
    Map<String, String> strMap(String k) {
        Object v = m.get(k);
        return v == null ? Collections.emptyMap() : (Map<String, String>) v;
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> list(String k) {
        Object v = m.get(k);
        return v == null ? Collections.emptyList() : (List<Map<String, Object>>) v;
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
