package io.peapod.runtime.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peapod.runtime.errors.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One CNI network: a {@code .conflist} (a name, a version and a chain of plugins) or
 * a single-plugin {@code .conf}/{@code .json}, which is read as a chain of one. The
 * plugins' objects are kept as given, so fields peapod does not know reach the plugin.
 */
public final class CniNetworkConfig {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.\\-]*");
    private static final Pattern TYPE = Pattern.compile("[a-zA-Z0-9_.\\-]+");

    private final String name;
    private final String cniVersion;
    private final boolean disableCheck;
    private final List<ObjectNode> plugins;
    private final String source;

    private CniNetworkConfig(String name, String cniVersion, boolean disableCheck, List<ObjectNode> plugins,
            String source) {
        this.name = name;
        this.cniVersion = cniVersion;
        this.disableCheck = disableCheck;
        this.plugins = plugins;
        this.source = source;
    }

    /** Reads a config file; {@code .conflist} as a list, anything else as a single plugin. */
    public static CniNetworkConfig load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidArgumentException("cannot read CNI config " + file + ": " + e.getMessage(), e);
        }
        return parse(bytes, file.getFileName().toString().endsWith(".conflist"), file.toString());
    }

    /** Parses config bytes; {@code source} names them in errors. */
    public static CniNetworkConfig parse(byte[] bytes, boolean list, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new InvalidArgumentException("CNI config " + source + " is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidArgumentException("CNI config " + source + " is not a JSON object");
        }
        String name = text(root, "name", source);
        if (!NAME.matcher(name).matches()) {
            throw new InvalidArgumentException("CNI config " + source + " has an invalid network name \"" + name + "\"");
        }
        String version = root.path("cniVersion").asText("");
        if (version.isEmpty()) {
            version = "0.1.0";
        }
        List<ObjectNode> plugins = new ArrayList<>();
        if (list) {
            JsonNode array = root.get("plugins");
            if (array == null || !array.isArray() || array.isEmpty()) {
                throw new InvalidArgumentException("CNI config list " + source + " has no plugins");
            }
            for (JsonNode p : array) {
                if (!p.isObject()) {
                    throw new InvalidArgumentException("CNI config list " + source + " has a plugin that is not an object");
                }
                plugins.add(checkedPlugin((ObjectNode) p.deepCopy(), source));
            }
        } else {
            plugins.add(checkedPlugin(((ObjectNode) root).deepCopy(), source));
        }
        boolean disableCheck = root.path("disableCheck").asBoolean(false);
        return new CniNetworkConfig(name, version, disableCheck, List.copyOf(plugins), source);
    }

    private static ObjectNode checkedPlugin(ObjectNode plugin, String source) {
        String type = text(plugin, "type", source);
        if (!TYPE.matcher(type).matches() || type.equals(".") || type.equals("..")) {
            throw new InvalidArgumentException("CNI config " + source + " has an invalid plugin type \"" + type + "\"");
        }
        return plugin;
    }

    private static String text(JsonNode node, String field, String source) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new InvalidArgumentException("CNI config " + source + " lacks \"" + field + "\"");
        }
        return v.asText();
    }

    public String name() {
        return name;
    }

    public String cniVersion() {
        return cniVersion;
    }

    public boolean disableCheck() {
        return disableCheck;
    }

    /** Plugin configs in chain order; copies, safe to modify. */
    public List<ObjectNode> plugins() {
        List<ObjectNode> out = new ArrayList<>();
        plugins.forEach(p -> out.add(p.deepCopy()));
        return out;
    }

    /** Plugin types (binary names) in chain order. */
    public List<String> pluginTypes() {
        List<String> out = new ArrayList<>();
        plugins.forEach(p -> out.add(p.get("type").asText()));
        return out;
    }

    /** Where the config came from. */
    public String source() {
        return source;
    }

    /** The config as a conflist, for the result cache: DEL later uses exactly what ADD used. */
    public ObjectNode toConflist() {
        ObjectNode root = JSON.createObjectNode();
        root.put("cniVersion", cniVersion);
        root.put("name", name);
        if (disableCheck) {
            root.put("disableCheck", true);
        }
        ArrayNode array = root.putArray("plugins");
        plugins.forEach(p -> array.add(p.deepCopy()));
        return root;
    }

    /** Whether CHECK exists for this version (0.4.0 and later). */
    public boolean supportsCheck() {
        return compareVersions(cniVersion, "0.4.0") >= 0;
    }

    /** Compares dotted versions numerically; non-numeric parts count as 0. */
    static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Integer.compare(part(x, i), part(y, i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int part(String[] parts, int i) {
        if (i >= parts.length) {
            return 0;
        }
        try {
            return Integer.parseInt(parts[i]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
