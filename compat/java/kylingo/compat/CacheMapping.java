package kylingo.compat;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kylin.metadata.cachesync.Broadcaster;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.util.AntPathMatcher;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.mvc.condition.PatternsRequestCondition;
import org.springframework.web.servlet.mvc.condition.RequestMethodsRequestCondition;
import org.springframework.web.util.UrlPathHelper;

/**
 * CacheMapping answers which of Kylin's CacheController handlers a cache
 * request reaches and with which arguments, without Kylin's REST server: it
 * reads the @RequestMapping annotations of CacheController (kylin-server-base
 * 3.1.3) by reflection and matches them as Spring MVC 4.3 does with its
 * defaults (UrlPathHelper, AntPathMatcher, suffix-pattern and trailing-slash
 * matching), for a request under Kylin's servlet mapping /kylin/api/*.
 *
 * Not modelled: the servlet container's own refusals (Tomcat answers 400 to
 * an encoded slash by default) and filters in front of Spring.
 */
final class CacheMapping {
    private static final String CONTROLLER = "org.apache.kylin.rest.controller.CacheController";

    private CacheMapping() {
    }

    /** Mapping is one handler method of CacheController with its conditions. */
    private static final class Mapping {
        final Method method;
        final PatternsRequestCondition patterns;
        final RequestMethodsRequestCondition methods;

        Mapping(Method method, PatternsRequestCondition patterns, RequestMethodsRequestCondition methods) {
            this.method = method;
            this.patterns = patterns;
            this.methods = methods;
        }
    }

    private static List<Mapping> mappings;

    static void register(Map<String, Harness.Op> ops) {
        ops.put("cache.mapping", r -> match(r.str("method", "PUT"), r.str("uri"), r.str("contentType", ""),
                r.str("body", "")));
        ops.put("cache.patterns", r -> {
            List<String> out = new ArrayList<>();
            for (Mapping m : mappings()) {
                out.add(m.methods + " " + m.patterns.getPatterns() + " " + m.method.getName());
            }
            return out;
        });
    }

    private static synchronized List<Mapping> mappings() throws Exception {
        if (mappings != null) {
            return mappings;
        }
        Class<?> c = Class.forName(CONTROLLER);
        RequestMapping top = AnnotatedElementUtils.findMergedAnnotation(c, RequestMapping.class);
        PatternsRequestCondition base = new PatternsRequestCondition(top == null ? new String[0] : top.value());
        List<Mapping> ms = new ArrayList<>();
        for (Method m : c.getDeclaredMethods()) {
            RequestMapping rm = AnnotatedElementUtils.findMergedAnnotation(m, RequestMapping.class);
            if (rm == null) {
                continue;
            }
            ms.add(new Mapping(m, base.combine(new PatternsRequestCondition(rm.value())),
                    new RequestMethodsRequestCondition(rm.method())));
        }
        if (ms.isEmpty()) {
            throw new IllegalStateException(CONTROLLER + " has no @RequestMapping methods: are Spring's annotations on the classpath?");
        }
        mappings = ms;
        return ms;
    }

    /**
     * match returns {handler, vars, entity, key, event} for the request, or
     * {handler: ""} when no handler matches. event is Kylin's
     * Broadcaster.Event.getEvent of the event variable ("" when Kylin knows
     * no such event); key comes from the cacheKey variable or, for the
     * request-body handler, from the body read as Spring's
     * StringHttpMessageConverter reads it (the content type's charset, else
     * ISO-8859-1).
     */
    private static Map<String, Object> match(String httpMethod, String uri, String contentType, String body)
            throws Exception {
        MockHttpServletRequest req = new MockHttpServletRequest(httpMethod, uri);
        req.setContextPath("/kylin");
        req.setServletPath("/api");
        if (!contentType.isEmpty()) {
            req.setContentType(contentType);
        }
        Mapping best = null;
        PatternsRequestCondition bestMatch = null;
        for (Mapping m : mappings()) {
            if (m.methods.getMatchingCondition(req) == null) {
                continue;
            }
            PatternsRequestCondition p = m.patterns.getMatchingCondition(req);
            if (p != null && (bestMatch == null || p.compareTo(bestMatch, req) < 0)) {
                best = m;
                bestMatch = p;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("handler", best == null ? "" : best.method.getName());
        if (best == null) {
            return out;
        }
        UrlPathHelper helper = new UrlPathHelper();
        String lookup = helper.getLookupPathForRequest(req);
        Map<String, String> vars = new AntPathMatcher()
                .extractUriTemplateVariables(bestMatch.getPatterns().iterator().next(), lookup);
        vars = helper.decodePathVariables(req, vars);
        out.put("lookupPath", lookup);
        out.put("vars", vars);
        out.put("entity", vars.getOrDefault("entity", ""));
        String key = vars.getOrDefault("cacheKey", "");
        if (best.method.getName().equals("wipeCacheWithRequestBody")) {
            String cs = req.getCharacterEncoding();
            byte[] raw = body.getBytes(StandardCharsets.UTF_8);
            key = new String(raw, cs == null ? "ISO-8859-1" : cs);
        }
        out.put("key", key);
        Broadcaster.Event ev = Broadcaster.Event.getEvent(vars.getOrDefault("event", ""));
        out.put("event", ev == null ? "" : ev.getType());
        return out;
    }
}
