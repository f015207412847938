package io.peapod.image.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** Debian's docker-registry on 127.0.0.1 and a free port, with its data in a temp dir. */
public final class LocalRegistry implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/docker-registry");

    private final Process process;
    private final int port;
    private final Path dir;

    private LocalRegistry(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts a registry; with {@code htpasswdLine} non-null it requires basic auth. */
    public static LocalRegistry start(Path dir, String htpasswdLine) throws IOException, InterruptedException {
        int port = freePort();
        Files.createDirectories(dir.resolve("data"));
        StringBuilder yaml = new StringBuilder()
                .append("version: 0.1\n")
                .append("log:\n  level: warn\n  accesslog:\n    disabled: true\n")
                .append("storage:\n  filesystem:\n    rootdirectory: ").append(dir.resolve("data")).append('\n')
                .append("  delete:\n    enabled: true\n")
                .append("http:\n  addr: 127.0.0.1:").append(port).append('\n');
        if (htpasswdLine != null) {
            Files.writeString(dir.resolve("htpasswd"), htpasswdLine + "\n");
            yaml.append("auth:\n  htpasswd:\n    realm: peapod-test\n    path: ").append(dir.resolve("htpasswd"))
                    .append('\n');
        }
        Path config = dir.resolve("config.yml");
        Files.writeString(config, yaml.toString());
        Process p = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        LocalRegistry r = new LocalRegistry(p, port, dir);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            if (!p.isAlive()) {
                throw new IOException("docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/v2/").toURL()
                        .openConnection();
                c.setConnectTimeout(500);
                int code = c.getResponseCode();
                c.disconnect();
                if (code == 200 || code == 401) {
                    return r;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(100);
        }
        r.close();
        throw new IOException("docker-registry did not start on port " + port);
    }

    /** A bcrypt htpasswd line, made with glibc's crypt (libxcrypt) through perl. */
    public static String htpasswd(String user, String password) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("perl", "-e", "print crypt($ARGV[0], q($2y$05$) . $ARGV[1])", password,
                "peapodtestsaltpeapodte").redirectErrorStream(true).start();
        String hash = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0 || !hash.startsWith("$2y$05$") || hash.length() != 60) {
            return null;
        }
        return user + ":" + hash;
    }

    public String host() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The registry's file for a blob (to corrupt or delete it). */
    public Path blobData(String hex) {
        return dir.resolve("data/docker/registry/v2/blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
