package kylingo.compat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.io.IOUtils;
import org.apache.kylin.metadata.cachesync.Broadcaster;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * CacheEndpoint is a Kylin node's receiving side of cache sync without the
 * REST server: it serves PUT /kylin/api/cache/{entity}/{key}/{event} and the
 * body variant PUT /kylin/api/cache/{entity}/{event} (what Kylin's
 * CacheController maps; the parsing here is ours) and hands each event to
 * Kylin's Broadcaster.notifyListener for the metastore it serves, as
 * Kylin's CacheService does: Kylin's managers (ExecutableDao's job digests
 * among them) then reload.
 */
final class CacheEndpoint {
    private static final String PREFIX = "/kylin/api/cache/";
    private static final Map<Integer, CacheEndpoint> BY_PORT = new ConcurrentHashMap<>();

    private final HttpServer server;
    private final Broadcaster broadcaster;
    private final List<String> received = new ArrayList<>();

    private CacheEndpoint(String url, int port) throws IOException {
        broadcaster = Broadcaster.getInstance(Configs.forUrl(url));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        server.createContext(PREFIX, this::handle);
        server.start();
    }

    private void handle(HttpExchange ex) throws IOException {
        int code;
        try {
            code = dispatch(ex);
        } catch (Exception e) {
            e.printStackTrace();
            code = 500;
        }
        ex.sendResponseHeaders(code, -1);
        ex.close();
    }

    private int dispatch(HttpExchange ex) throws IOException {
        if (!"PUT".equals(ex.getRequestMethod())) {
            return 405;
        }
        String[] parts = ex.getRequestURI().getPath().substring(PREFIX.length()).split("/");
        String entity;
        String key;
        String event;
        if (parts.length == 3) {
            entity = parts[0];
            key = parts[1];
            event = parts[2];
        } else if (parts.length == 2) {
            entity = parts[0];
            event = parts[1];
            try (InputStream in = ex.getRequestBody()) {
                key = IOUtils.toString(in, StandardCharsets.UTF_8);
            }
        } else {
            return 400;
        }
        synchronized (received) {
            received.add(entity + "/" + key + "/" + event);
        }
        broadcaster.notifyListener(entity, Broadcaster.Event.getEvent(event), key);
        return 200;
    }

    static void register(Map<String, Harness.Op> ops) {
        ops.put("cache.serve", r -> {
            CacheEndpoint c = new CacheEndpoint(r.str("url"), (int) r.num("port", 0));
            int port = c.server.getAddress().getPort();
            BY_PORT.put(port, c);
            return port;
        });
        ops.put("cache.received", r -> {
            CacheEndpoint c = BY_PORT.get((int) r.num("port"));
            synchronized (c.received) {
                return new ArrayList<>(c.received);
            }
        });
        ops.put("cache.stop", r -> {
            CacheEndpoint c = BY_PORT.remove((int) r.num("port"));
            if (c != null) {
                c.server.stop(0);
            }
            return null;
        });
    }

    static void closeAll() {
        for (CacheEndpoint c : BY_PORT.values()) {
            c.server.stop(0);
        }
        BY_PORT.clear();
    }
}
