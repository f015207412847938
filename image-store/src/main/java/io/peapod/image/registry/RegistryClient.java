package io.peapod.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.peapod.image.DigestMismatchException;
import io.peapod.image.NotFoundException;
import io.peapod.image.ProgressEvent;
import io.peapod.image.ProgressListener;
import io.peapod.image.content.ContentStore;
import io.peapod.image.content.Digest;
import io.peapod.image.spec.ImageReference;
import io.peapod.image.spec.Json;
import io.peapod.image.spec.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OCI distribution v2 client on {@link HttpClient}: manifests, blobs (resumable, verified
 * into a {@link ContentStore}), uploads. Handles token and basic auth challenges, redirects
 * (dropping credentials when leaving the registry's host), retries with exponential backoff,
 * mirrors for pulls, HTTPS with per-registry CAs and plain HTTP for insecure registries.
 */
public final class RegistryClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryClient.class);
    private static final int MAX_REDIRECTS = 5;
    private static final int BUFFER = 1 << 20;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final RegistryConfig config;
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();
    private final Map<String, String> schemes = new ConcurrentHashMap<>();
    private final Map<String, String> authHeaders = new ConcurrentHashMap<>();
    private final ExecutorService downloads;

    public RegistryClient(RegistryConfig config) {
        this.config = config;
        this.downloads = Executors.newFixedThreadPool(config.maxConcurrentDownloads(), r -> {
            Thread t = new Thread(r, "peapod-download");
            t.setDaemon(true);
            return t;
        });
    }

    public RegistryConfig config() {
        return config;
    }

    /** Bounded pool for layer transfers. */
    public ExecutorService transfers() {
        return downloads;
    }

    @Override
    public void close() {
        downloads.shutdownNow();
    }

    /** A manifest or index as the registry served it. */
    public record Fetched(byte[] bytes, String mediaType, Digest digest) {
    }

    /** A base URL to talk to for a registry: the registry itself or one of its mirrors. */
    record Endpoint(String base, String host, boolean mirror) {
    }

    // ---- pull side

    /**
     * GETs {@code reference} (tag or digest) from {@code repo}'s registry, mirrors first.
     * A digest reference is verified against the body.
     */
    public Fetched getManifest(ImageReference repo, String reference) {
        RuntimeException last = null;
        for (Endpoint ep : pullEndpoints(repo.domain())) {
            try {
                Req req = new Req("GET", uri(ep, repo, "manifests/" + reference), scope(repo, false))
                        .header("Accept", MediaTypes.MANIFEST_ACCEPT);
                HttpResponse<InputStream> r = sendWithRetry(ep, req);
                byte[] body;
                try (InputStream in = r.body()) {
                    body = in.readAllBytes();
                } catch (IOException e) {
                    throw new RegistryException("reading manifest " + reference + " of " + repo.repository()
                            + " failed: " + e, e);
                }
                if (r.statusCode() == 404) {
                    throw new NotFoundException("manifest " + reference + " not found in " + repo.repository()
                            + describe(ep) + ": " + errorText(body));
                }
                checkStatus(r, body, "GET manifest " + reference + " of " + repo.repository());
                String type = r.headers().firstValue("Content-Type").orElse(null);
                Digest digest;
                if (Digest.isDigest(reference)) {
                    Digest want = Digest.parse(reference);
                    Digest got = Digest.of(want.newDigest().digest(body), want.algorithm());
                    if (!got.equals(want)) {
                        throw new DigestMismatchException("manifest " + reference + " from " + repo.repository()
                                + " hashes to " + got);
                    }
                    digest = want;
                } else {
                    digest = Digest.sha256(body);
                    Optional<String> header = r.headers().firstValue("Docker-Content-Digest");
                    if (header.isPresent() && Digest.isDigest(header.get())
                            && Digest.parse(header.get()).algorithm().equals(Digest.SHA256)
                            && !Digest.parse(header.get()).equals(digest)) {
                        throw new DigestMismatchException("manifest " + repo.repository() + ":" + reference
                                + " hashes to " + digest + " but the registry says " + header.get());
                    }
                }
                return new Fetched(body, type, digest);
            } catch (RuntimeException e) {
                if (!ep.mirror()) {
                    throw e;
                }
                LOG.warn("mirror {} failed for {}: {}; trying the next endpoint", ep.base(), repo, e.getMessage());
                last = e;
            }
        }
        throw last;
    }

    /**
     * Downloads blob {@code digest} of {@code size} bytes into {@code store}, verified, resuming
     * with a Range request after a broken connection. Returns once the blob is committed.
     */
    public void fetchBlob(ImageReference repo, Digest digest, long size, ContentStore store, String image,
                          ProgressListener listener) {
        List<Endpoint> endpoints = pullEndpoints(repo.domain());
        store.ingest(digest, size, w -> {
            int endpoint = 0;
            int attempt = 0;
            long lastReport = 0;
            byte[] buf = new byte[BUFFER];
            while (true) {
                Endpoint ep = endpoints.get(endpoint);
                long offset = w.written();
                try {
                    Req req = new Req("GET", uri(ep, repo, "blobs/" + digest), scope(repo, false));
                    if (offset > 0) {
                        req.header("Range", "bytes=" + offset + "-");
                    }
                    HttpResponse<InputStream> r = send(ep, req);
                    try (InputStream in = r.body()) {
                        int status = r.statusCode();
                        if (status == 404) {
                            throw new NotFoundException("blob " + digest + " not found in " + repo.repository()
                                    + describe(ep) + ": " + errorText(in.readAllBytes()));
                        }
                        if (status == 200 && offset > 0) {
                            in.skipNBytes(offset); // the server ignored Range
                        } else if (status != 206 && status != 200) {
                            checkStatus(r, in.readAllBytes(), "GET blob " + digest + " of " + repo.repository());
                        }
                        if (offset > 0) {
                            LOG.info("resuming blob {} at byte {}", digest, offset);
                        }
                        int n;
                        while ((n = in.read(buf)) > 0) {
                            w.write(buf, 0, n);
                            long done = w.written();
                            if (done - lastReport >= (1 << 20) || done == size) {
                                lastReport = done;
                                listener.onEvent(new ProgressEvent(ProgressEvent.Kind.DOWNLOADING, image, digest,
                                        done, size));
                            }
                        }
                    }
                    if (size >= 0 && w.written() < size) {
                        throw new IOException("connection closed after " + w.written() + " of " + size + " bytes");
                    }
                    return;
                } catch (IOException e) {
                    if (e instanceof InterruptedIOException && Thread.currentThread().isInterrupted()) {
                        throw e;
                    }
                    attempt++;
                    if (e instanceof SSLException) {
                        attempt = config.maxAttempts(); // a certificate problem does not heal by retrying
                    }
                    if (ep.mirror() && e instanceof ConnectException && endpoint + 1 < endpoints.size()) {
                        LOG.warn("mirror {} unreachable for blob {}; trying the next endpoint", ep.base(), digest);
                        endpoint++;
                        attempt = 0;
                        continue;
                    }
                    if (w.written() > offset) {
                        attempt = Math.min(attempt, 1); // progress was made: the retry budget restarts
                    }
                    if (attempt >= config.maxAttempts()) {
                        if (endpoint + 1 < endpoints.size()) {
                            endpoint++;
                            attempt = 0;
                            continue;
                        }
                        throw new RegistryException("downloading blob " + digest + " from " + repo.repository()
                                + describe(ep) + " failed after " + attempt + " attempt(s): " + e, e);
                    }
                    listener.onEvent(new ProgressEvent(ProgressEvent.Kind.RETRYING, image, digest, w.written(), size));
                    LOG.warn("blob {} download broke at byte {} ({}); retry {}", digest, w.written(), e.toString(),
                            attempt);
                    backoff(attempt);
                } catch (NotFoundException e) {
                    if (endpoint + 1 < endpoints.size()) {
                        endpoint++;
                        continue;
                    }
                    throw e;
                }
            }
        });
    }

    // ---- push side

    public boolean blobExists(ImageReference repo, Digest digest) {
        Endpoint ep = primary(repo.domain());
        HttpResponse<InputStream> r = sendWithRetry(ep, new Req("HEAD", uri(ep, repo, "blobs/" + digest),
                scope(repo, true)));
        drain(r);
        if (r.statusCode() == 200) {
            return true;
        }
        if (r.statusCode() == 404) {
            return false;
        }
        checkStatus(r, new byte[0], "HEAD blob " + digest + " of " + repo.repository());
        return false;
    }

    /** Uploads a local blob (monolithic, or chunked when larger than the configured chunk size). */
    public void uploadBlob(ImageReference repo, Digest digest, long size, Path file, String image,
                           ProgressListener listener) {
        Endpoint ep = primary(repo.domain());
        HttpResponse<InputStream> start = sendWithRetry(ep, new Req("POST", uri(ep, repo, "blobs/uploads/"),
                scope(repo, true)).body(HttpRequest.BodyPublishers.noBody(), 0));
        byte[] startBody = readAll(start);
        if (start.statusCode() != 202) {
            checkStatus(start, startBody, "starting upload of " + digest + " to " + repo.repository());
        }
        URI location = location(ep, start);
        long chunk = config.pushChunkSize();
        try {
            if (chunk > 0 && size > chunk) {
                try (InputStream in = Files.newInputStream(file)) {
                    long sent = 0;
                    while (sent < size) {
                        byte[] part = in.readNBytes((int) Math.min(chunk, size - sent));
                        Req patch = new Req("PATCH", location, scope(repo, true))
                                .header("Content-Type", "application/octet-stream")
                                .header("Content-Range", sent + "-" + (sent + part.length - 1))
                                .body(HttpRequest.BodyPublishers.ofByteArray(part), part.length);
                        HttpResponse<InputStream> r = send(ep, patch);
                        byte[] b = readAll(r);
                        if (r.statusCode() != 202) {
                            checkStatus(r, b, "uploading chunk of " + digest + " to " + repo.repository());
                        }
                        location = location(ep, r);
                        sent += part.length;
                        listener.onEvent(new ProgressEvent(ProgressEvent.Kind.UPLOADING, image, digest, sent, size));
                    }
                }
                HttpResponse<InputStream> r = send(ep, new Req("PUT", withDigest(location, digest), scope(repo, true))
                        .body(HttpRequest.BodyPublishers.noBody(), 0));
                byte[] b = readAll(r);
                if (r.statusCode() != 201) {
                    checkStatus(r, b, "completing upload of " + digest + " to " + repo.repository());
                }
            } else {
                HttpResponse<InputStream> r = send(ep, new Req("PUT", withDigest(location, digest), scope(repo, true))
                        .header("Content-Type", "application/octet-stream")
                        .body(HttpRequest.BodyPublishers.ofFile(file), size));
                byte[] b = readAll(r);
                if (r.statusCode() != 201) {
                    checkStatus(r, b, "uploading blob " + digest + " to " + repo.repository());
                }
                listener.onEvent(new ProgressEvent(ProgressEvent.Kind.UPLOADING, image, digest, size, size));
            }
        } catch (IOException e) {
            throw new RegistryException("uploading blob " + digest + " to " + repo.repository() + " failed: " + e, e);
        }
    }

    public void putManifest(ImageReference repo, String reference, byte[] bytes, String mediaType) {
        Endpoint ep = primary(repo.domain());
        HttpResponse<InputStream> r = sendWithRetry(ep, new Req("PUT", uri(ep, repo, "manifests/" + reference),
                scope(repo, true)).header("Content-Type", mediaType)
                .body(HttpRequest.BodyPublishers.ofByteArray(bytes), bytes.length));
        byte[] b = readAll(r);
        if (r.statusCode() != 201 && r.statusCode() != 200) {
            checkStatus(r, b, "PUT manifest " + reference + " to " + repo.repository());
        }
    }

    // ---- plumbing

    /** One request, rebuildable for retries, redirects and auth. */
    static final class Req {
        final String method;
        final URI uri;
        final String scope;
        final Map<String, String> headers = new java.util.LinkedHashMap<>();
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
        long length = 0;

        Req(String method, URI uri, String scope) {
            this.method = method;
            this.uri = uri;
            this.scope = scope;
        }

        Req header(String k, String v) {
            headers.put(k, v);
            return this;
        }

        Req body(HttpRequest.BodyPublisher b, long len) {
            body = b;
            length = len;
            return this;
        }
    }

    private HttpResponse<InputStream> sendWithRetry(Endpoint ep, Req req) {
        int attempt = 0;
        while (true) {
            try {
                HttpResponse<InputStream> r = send(ep, req);
                int s = r.statusCode();
                if ((s >= 500 || s == 429) && attempt + 1 < config.maxAttempts()
                        && !req.method.equals("POST") && !req.method.equals("PATCH")) {
                    drain(r);
                    attempt++;
                    LOG.warn("{} {} answered {}; retry {}", req.method, req.uri, s, attempt);
                    backoff(attempt);
                    continue;
                }
                return r;
            } catch (InterruptedIOException e) {
                throw new RegistryException(req.method + " " + req.uri + " interrupted", e);
            } catch (IOException e) {
                attempt++;
                if (attempt >= config.maxAttempts() || e instanceof ConnectException && ep.mirror()
                        || e instanceof SSLException) {
                    throw new RegistryException(req.method + " " + req.uri + " failed after " + attempt
                            + " attempts: " + e, e);
                }
                LOG.warn("{} {} failed ({}); retry {}", req.method, req.uri, e.toString(), attempt);
                backoff(attempt);
            }
        }
    }

    /** Sends once, answering an auth challenge and following redirects. */
    private HttpResponse<InputStream> send(Endpoint ep, Req req) throws IOException {
        String authKey = ep.host() + " " + req.scope;
        HttpResponse<InputStream> r = exchange(req, req.uri, authHeaders.get(authKey));
        if (r.statusCode() == 401) {
            AuthChallenge challenge = AuthChallenge.parse(r.headers().firstValue("WWW-Authenticate").orElse(null));
            drain(r);
            String auth = authorize(ep, req.scope, challenge);
            authHeaders.put(authKey, auth);
            r = exchange(req, req.uri, auth);
            if (r.statusCode() == 401 || r.statusCode() == 403) {
                byte[] b = readAll(r);
                throw new RegistryException("registry " + ep.host() + " refused " + req.method + " " + req.uri.getPath()
                        + " (" + r.statusCode() + "): " + errorText(b)
                        + (credentialsFor(ep.host()) == null ? " (no credentials configured)" : ""), r.statusCode());
            }
        }
        return r;
    }

    private HttpResponse<InputStream> exchange(Req req, URI uri, String auth) throws IOException {
        URI cur = uri;
        String authHeader = auth;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(cur).timeout(config.timeout());
            for (Map.Entry<String, String> h : req.headers.entrySet()) {
                b.header(h.getKey(), h.getValue());
            }
            if (authHeader != null) {
                b.header("Authorization", authHeader);
            }
            boolean hasBody = req.method.equals("PUT") || req.method.equals("POST") || req.method.equals("PATCH");
            b.method(req.method, hasBody ? req.body : HttpRequest.BodyPublishers.noBody());
            HttpResponse<InputStream> r;
            try {
                r = client(cur).send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted: " + req.method + " " + cur);
            }
            int s = r.statusCode();
            if ((s == 301 || s == 302 || s == 303 || s == 307 || s == 308)
                    && (req.method.equals("GET") || req.method.equals("HEAD"))) {
                String loc = r.headers().firstValue("Location").orElse(null);
                drain(r);
                if (loc == null) {
                    throw new IOException(req.method + " " + cur + ": redirect without Location");
                }
                URI next = cur.resolve(loc);
                if (!next.getAuthority().equals(cur.getAuthority())) {
                    authHeader = null; // never hand registry credentials to a blob store
                }
                cur = next;
                continue;
            }
            return r;
        }
        throw new IOException(req.method + " " + uri + ": more than " + MAX_REDIRECTS + " redirects");
    }

    private String authorize(Endpoint ep, String scope, AuthChallenge challenge) throws IOException {
        RegistryConfig.Credentials creds = credentialsFor(ep.host());
        if (challenge == null) {
            throw new RegistryException("registry " + ep.host() + " answered 401 without a WWW-Authenticate challenge",
                    401);
        }
        if (challenge.scheme().equals("basic")) {
            if (creds == null) {
                throw new RegistryException("registry " + ep.host() + " requires authentication and no credentials "
                        + "are configured for it", 401);
            }
            return basic(creds);
        }
        if (!challenge.scheme().equals("bearer")) {
            throw new RegistryException("registry " + ep.host() + " asks for unsupported auth scheme "
                    + challenge.scheme(), 401);
        }
        String realm = challenge.params().get("realm");
        if (realm == null) {
            throw new RegistryException("registry " + ep.host() + " sent a bearer challenge without realm", 401);
        }
        StringBuilder q = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
        String service = challenge.params().get("service");
        if (service != null) {
            q.append("service=").append(URLEncoder.encode(service, StandardCharsets.UTF_8)).append('&');
        }
        String sc = scope != null ? scope : challenge.params().get("scope");
        if (sc != null) {
            q.append("scope=").append(URLEncoder.encode(sc, StandardCharsets.UTF_8));
        }
        Req tokenReq = new Req("GET", URI.create(q.toString()), null);
        HttpResponse<InputStream> r = exchange(tokenReq, tokenReq.uri, creds == null ? null : basic(creds));
        byte[] body = readAll(r);
        if (r.statusCode() != 200) {
            throw new RegistryException("token server " + realm + " refused " + (creds == null ? "anonymous " : "")
                    + "access to " + sc + " (" + r.statusCode() + "): " + errorText(body), r.statusCode());
        }
        JsonNode tree = Json.MAPPER.readTree(body);
        String token = tree.path("token").asText(tree.path("access_token").asText(null));
        if (token == null || token.isEmpty()) {
            throw new RegistryException("token server " + realm + " answered without a token", r.statusCode());
        }
        return "Bearer " + token;
    }

    private static String basic(RegistryConfig.Credentials c) {
        return "Basic " + Base64.getEncoder().encodeToString((c.username() + ":" + c.password())
                .getBytes(StandardCharsets.UTF_8));
    }

    /** Explicit credentials first, then the docker-style auth file's {@code auths}. */
    RegistryConfig.Credentials credentialsFor(String host) {
        RegistryConfig.Credentials c = config.explicitCredentials(host);
        if (c != null) {
            return c;
        }
        if ("registry-1.docker.io".equals(host)) {
            c = config.explicitCredentials(ImageReference.DOCKER_HUB);
            if (c != null) {
                return c;
            }
        }
        Path file = config.authFile();
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode auths = Json.MAPPER.readTree(file.toFile()).path("auths");
            List<String> keys = new ArrayList<>(List.of(host, "https://" + host, "http://" + host));
            if (host.equals("registry-1.docker.io") || host.equals(ImageReference.DOCKER_HUB)) {
                keys.addAll(List.of("https://index.docker.io/v1/", "index.docker.io", "docker.io"));
            }
            for (String k : keys) {
                for (String variant : List.of(k, k + "/")) {
                    JsonNode e = auths.get(variant);
                    if (e != null && e.hasNonNull("auth")) {
                        String decoded = new String(Base64.getDecoder().decode(e.get("auth").asText()),
                                StandardCharsets.UTF_8);
                        int colon = decoded.indexOf(':');
                        if (colon < 0) {
                            throw new RegistryException("malformed auth for " + variant + " in " + file
                                    + ": expected base64 of user:password", -1);
                        }
                        return new RegistryConfig.Credentials(decoded.substring(0, colon), decoded.substring(colon + 1));
                    }
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new RegistryException("cannot read registry auth file " + file + ": " + e.getMessage(), e);
        }
        return null;
    }

    private List<Endpoint> pullEndpoints(String domain) {
        List<Endpoint> out = new ArrayList<>();
        for (String m : config.mirrors(domain)) {
            URI u = URI.create(m.endsWith("/") ? m.substring(0, m.length() - 1) : m);
            out.add(new Endpoint(u.toString(), u.getAuthority(), true));
        }
        out.add(primary(domain));
        return out;
    }

    private Endpoint primary(String domain) {
        String host = ImageReference.DOCKER_HUB.equals(domain) ? "registry-1.docker.io" : domain;
        String scheme = schemes.computeIfAbsent(host, this::probeScheme);
        return new Endpoint(scheme + "://" + host, host, false);
    }

    /**
     * https always for secure registries. An insecure registry is probed: https first, http when
     * TLS fails; a loopback one http first (cheap, and what a local registry almost always is).
     */
    private String probeScheme(String host) {
        if (!config.isInsecure(host)) {
            return "https";
        }
        if (config.isLoopback(host)) {
            try {
                HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + host + "/v2/"))
                        .timeout(PROBE_TIMEOUT).GET().build();
                HttpResponse<Void> r = client(req.uri()).send(req, HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() != 400) {
                    LOG.debug("loopback registry {} speaks http ({})", host, r.statusCode());
                    return "http";
                }
            } catch (IOException e) {
                LOG.debug("loopback registry {} does not answer plain http: {}", host, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "https";
            }
        }
        try {
            // A plain-HTTP server may sit silent on a TLS hello: keep the probe short.
            Duration probe = config.timeout().compareTo(PROBE_TIMEOUT) < 0 ? config.timeout() : PROBE_TIMEOUT;
            HttpRequest req = HttpRequest.newBuilder(URI.create("https://" + host + "/v2/"))
                    .timeout(probe).GET().build();
            HttpResponse<Void> r = client(req.uri()).send(req, HttpResponse.BodyHandlers.discarding());
            LOG.debug("registry {} speaks https ({})", host, r.statusCode());
            return "https";
        } catch (SSLException e) {
            LOG.info("registry {} is insecure and does not speak TLS; using http", host);
            return "http";
        } catch (IOException e) {
            if (e.getCause() instanceof SSLException || String.valueOf(e.getMessage()).contains("SSL")) {
                return "http";
            }
            LOG.debug("probing https on {} failed: {}; using http", host, e.toString());
            return "http";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "https";
        }
    }

    private HttpClient client(URI uri) {
        String key = uri.getScheme() + "://" + uri.getAuthority();
        return clients.computeIfAbsent(key, k -> {
            HttpClient.Builder b = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(config.timeout());
            if ("https".equals(uri.getScheme())) {
                b.sslContext(TlsContexts.forHost(config.certsDir(), uri.getAuthority()));
            } else {
                b.version(HttpClient.Version.HTTP_1_1);
            }
            return b.build();
        });
    }

    private static URI uri(Endpoint ep, ImageReference repo, String rest) {
        return URI.create(ep.base() + "/v2/" + repo.path() + "/" + rest);
    }

    private static String scope(ImageReference repo, boolean push) {
        return "repository:" + repo.path() + (push ? ":pull,push" : ":pull");
    }

    private static URI location(Endpoint ep, HttpResponse<?> r) {
        String loc = r.headers().firstValue("Location").orElseThrow(() -> new RegistryException(
                "registry " + ep.host() + " answered " + r.statusCode() + " without an upload Location", r.statusCode()));
        return r.uri().resolve(loc);
    }

    private static URI withDigest(URI location, Digest d) {
        String s = location.toString();
        return URI.create(s + (s.contains("?") ? "&" : "?") + "digest="
                + URLEncoder.encode(d.toString(), StandardCharsets.UTF_8));
    }

    private static void checkStatus(HttpResponse<?> r, byte[] body, String what) {
        int s = r.statusCode();
        if (s >= 200 && s < 300) {
            return;
        }
        throw new RegistryException(what + " failed: HTTP " + s + ": " + errorText(body), s);
    }

    /** The registry's error list ({@code {"errors":[{"code","message"}]}}) as text. */
    static String errorText(byte[] body) {
        if (body == null || body.length == 0) {
            return "(no body)";
        }
        try {
            JsonNode errors = Json.MAPPER.readTree(body).path("errors");
            if (errors.isArray() && errors.size() > 0) {
                List<String> parts = new ArrayList<>();
                for (JsonNode e : errors) {
                    parts.add(e.path("code").asText() + ": " + e.path("message").asText());
                }
                return String.join("; ", parts);
            }
        } catch (IOException e) {
            // not JSON
        }
        String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).trim();
        return text.isEmpty() ? "(no body)" : text;
    }

    private static String describe(Endpoint ep) {
        return ep.mirror() ? " (mirror " + ep.base() + ")" : " (" + ep.host() + ")";
    }

    private static byte[] readAll(HttpResponse<InputStream> r) {
        try (InputStream in = r.body()) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static void drain(HttpResponse<InputStream> r) {
        readAll(r);
    }

    private void backoff(int attempt) {
        long ms = config.initialBackoff().toMillis() << Math.min(attempt - 1, 6);
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted while retrying", e);
        }
    }
}
