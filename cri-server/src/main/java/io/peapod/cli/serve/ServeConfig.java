package io.peapod.cli.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.peapod.image.registry.RegistryConfig;
import io.peapod.runtime.EngineConfig;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.network.CniOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The daemon's configuration file ({@code /etc/peapod/config.yaml} by default). Every key is
 * known; an unknown one is an error naming it, so a typo never silently does nothing.
 */
public final class ServeConfig {
    public static final Path DEFAULT_FILE = Path.of("/etc/peapod/config.yaml");

    private static final Set<String> TOP = Set.of("root", "state", "socket", "cni", "registries", "cgroupParent",
            "streaming", "logLevel");
    private static final Set<String> CNI = Set.of("confDir", "binDirs");
    private static final Set<String> REGISTRIES = Set.of("mirrors", "insecure", "authFile");
    private static final Set<String> STREAMING = Set.of("address");

    Path root = EngineConfig.DEFAULT_ROOT;
    Path state = EngineConfig.DEFAULT_STATE;
    Path socket;
    Path cniConfDir = CniOptions.DEFAULT_CONF_DIR;
    List<Path> cniBinDirs = CniOptions.DEFAULT_BIN_DIRS;
    Map<String, List<String>> mirrors = new LinkedHashMap<>();
    List<String> insecure = new ArrayList<>();
    Path authFile;
    String cgroupParent = "peapod";
    String streamingAddress = "127.0.0.1:0";
    String logLevel = "info";

    /** Reads {@code file}; a missing default file means the defaults, a missing named file is an error. */
    public static ServeConfig load(Path file, boolean explicit) {
        ServeConfig c = new ServeConfig();
        if (!Files.exists(file)) {
            if (explicit) {
                throw new InvalidArgumentException("config file " + file + " does not exist");
            }
            return c;
        }
        JsonNode doc;
        try {
            doc = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new InvalidArgumentException("config file " + file + ": " + e.getMessage().split("\n")[0]);
        }
        if (doc == null || doc.isMissingNode() || doc.isNull()) {
            return c;
        }
        c.apply(file, doc);
        return c;
    }

    private void apply(Path file, JsonNode doc) {
        object(file, "", doc, TOP);
        if (doc.has("root")) {
            root = Path.of(text(file, "root", doc.get("root")));
        }
        if (doc.has("state")) {
            state = Path.of(text(file, "state", doc.get("state")));
        }
        if (doc.has("socket")) {
            socket = Path.of(text(file, "socket", doc.get("socket")));
        }
        if (doc.has("cgroupParent")) {
            cgroupParent = text(file, "cgroupParent", doc.get("cgroupParent"));
        }
        if (doc.has("logLevel")) {
            logLevel = text(file, "logLevel", doc.get("logLevel"));
            if (!Set.of("trace", "debug", "info", "warn", "error").contains(logLevel)) {
                throw new InvalidArgumentException("config file " + file + ": logLevel \"" + logLevel
                        + "\" is not one of trace, debug, info, warn, error");
            }
        }
        JsonNode cni = doc.get("cni");
        if (cni != null) {
            object(file, "cni.", cni, CNI);
            if (cni.has("confDir")) {
                cniConfDir = Path.of(text(file, "cni.confDir", cni.get("confDir")));
            }
            if (cni.has("binDirs")) {
                cniBinDirs = list(file, "cni.binDirs", cni.get("binDirs")).stream().map(Path::of).toList();
            }
        }
        JsonNode reg = doc.get("registries");
        if (reg != null) {
            object(file, "registries.", reg, REGISTRIES);
            JsonNode m = reg.get("mirrors");
            if (m != null) {
                if (!m.isObject()) {
                    throw new InvalidArgumentException("config file " + file
                            + ": registries.mirrors must map a registry host to a list of endpoint URLs");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    mirrors.put(e.getKey(), list(file, "registries.mirrors." + e.getKey(), e.getValue()));
                }
            }
            if (reg.has("insecure")) {
                insecure = list(file, "registries.insecure", reg.get("insecure"));
            }
            if (reg.has("authFile")) {
                authFile = Path.of(text(file, "registries.authFile", reg.get("authFile")));
            }
        }
        JsonNode streaming = doc.get("streaming");
        if (streaming != null) {
            object(file, "streaming.", streaming, STREAMING);
            if (streaming.has("address")) {
                streamingAddress = text(file, "streaming.address", streaming.get("address"));
            }
        }
    }

    private static void object(Path file, String prefix, JsonNode node, Set<String> known) {
        if (!node.isObject()) {
            throw new InvalidArgumentException("config file " + file + ": " + (prefix.isEmpty() ? "the document"
                    : prefix.substring(0, prefix.length() - 1)) + " must be a mapping");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                throw new InvalidArgumentException("config file " + file + ": unknown key \"" + prefix + key
                        + "\" (known: " + known.stream().sorted().map(k -> prefix + k).toList() + ")");
            }
        }
    }

    private static String text(Path file, String key, JsonNode node) {
        if (!node.isTextual() || node.asText().isEmpty()) {
            throw new InvalidArgumentException("config file " + file + ": " + key + " must be a non-empty string");
        }
        return node.asText();
    }

    private static List<String> list(Path file, String key, JsonNode node) {
        if (!node.isArray()) {
            throw new InvalidArgumentException("config file " + file + ": " + key + " must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode n : node) {
            out.add(text(file, key + "[]", n));
        }
        return out;
    }

    public Path socket() {
        return socket != null ? socket : state.resolve("peapod.sock");
    }

    public EngineConfig engineConfig() {
        RegistryConfig reg = new RegistryConfig();
        mirrors.forEach(reg::mirrors);
        insecure.forEach(reg::insecure);
        if (authFile != null) {
            reg.authFile(authFile);
        }
        CniOptions cni = new CniOptions(cniConfDir, cniBinDirs, root.resolve("cni/results"),
                CniOptions.DEFAULT_TIMEOUT);
        return new EngineConfig(root, state, cni, reg, cgroupParent);
    }
}
