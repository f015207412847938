package io.peapod.image.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-process registry for protocol corners docker-registry cannot be made to show: a bearer
 * token service, blob redirects to another host, and documents of arbitrary media types.
 */
public final class FakeRegistry implements AutoCloseable {
    public static final String TOKEN = "sekrit-token";

    private final HttpServer server;
    /** path → (content type, body) */
    private final Map<String, Object[]> documents = new ConcurrentHashMap<>();
    /** Authorization headers seen per path. */
    public final List<String> seen = new CopyOnWriteArrayList<>();

    private final String scheme;

    public FakeRegistry() throws IOException {
        this(null);
    }

    /** Over HTTPS when {@code tls} is given. */
    public FakeRegistry(javax.net.ssl.SSLContext tls) throws IOException {
        InetSocketAddress addr = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (tls == null) {
            server = HttpServer.create(addr, 0);
            scheme = "http";
        } else {
            com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(addr, 0);
            https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
            server = https;
            scheme = "https";
        }
        server.createContext("/", this::handle);
        server.start();
    }

    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Serves {@code body} at {@code /v2/<path>} behind the token challenge. */
    public void serve(String path, String contentType, byte[] body) {
        documents.put("/v2/" + path, new Object[] {contentType, body});
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        seen.add(path + " " + (auth == null ? "-" : auth));
        if (path.equals("/token")) {
            String q = String.valueOf(ex.getRequestURI().getQuery());
            if (!q.contains("service=fake") || !q.contains("scope=repository")) {
                reply(ex, 400, "text/plain", ("bad token request " + q).getBytes());
                return;
            }
            reply(ex, 200, "application/json", ("{\"token\":\"" + TOKEN + "\"}").getBytes());
            return;
        }
        if (path.startsWith("/storage/")) {
            Object[] doc = documents.get("/v2/" + path.substring("/storage/".length()));
            reply(ex, 200, "application/octet-stream", (byte[]) doc[1]);
            return;
        }
        if (!("Bearer " + TOKEN).equals(auth)) {
            ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"" + scheme + "://" + host()
                    + "/token\",service=\"fake\",scope=\"repository:x:pull\"");
            reply(ex, 401, "application/json", "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"token\"}]}".getBytes());
            return;
        }
        Object[] doc = documents.get(path);
        if (doc == null) {
            reply(ex, 404, "application/json", "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"nope\"}]}".getBytes());
            return;
        }
        if (path.contains("/blobs/")) {
            // Redirect to "another host": localhost instead of 127.0.0.1, like a registry sending clients to S3.
            ex.getResponseHeaders().add("Location", scheme + "://localhost:" + server.getAddress().getPort() + "/storage/"
                    + path.substring(4));
            reply(ex, 307, "text/plain", new byte[0]);
            return;
        }
        reply(ex, 200, (String) doc[0], (byte[]) doc[1]);
    }

    private static void reply(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().add("Content-Type", type);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        try (OutputStream o = ex.getResponseBody()) {
            if (!head) {
                o.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
