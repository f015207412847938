package io.peapod.kube;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a manifest file of one or more YAML documents: exactly one {@code v1} Pod, and any
 * number of ConfigMaps and Secrets. A field that peapod does not know is an error naming its
 * path; so is a YAML syntax error (with line and column). The result is validated.
 */
public final class ManifestReader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private ManifestReader() {
    }

    public static Manifest read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ManifestException(file.toString(), List.of("no such file"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read manifest " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    public static Manifest parse(String yaml, String source) {
        List<JsonNode> docs = new ArrayList<>();
        try (JsonParser p = YAML.getFactory().createParser(yaml);
             MappingIterator<JsonNode> it = YAML.readValues(p, JsonNode.class)) {
            while (it.hasNextValue()) {
                JsonNode n = it.nextValue();
                if (n != null && !n.isNull() && !n.isMissingNode()) {
                    docs.add(n);
                }
            }
        } catch (JsonProcessingException e) {
            throw new ManifestException(source, List.of("YAML syntax error" + at(e.getLocation()) + ": "
                    + firstLine(e.getOriginalMessage())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            // the YAML module reports some syntax errors unwrapped
            Throwable c = e.getCause() instanceof JsonProcessingException ? e.getCause() : e;
            String msg = c instanceof JsonProcessingException j ? at(j.getLocation()) + ": "
                    + firstLine(j.getOriginalMessage()) : ": " + firstLine(c.getMessage());
            throw new ManifestException(source, List.of("YAML syntax error" + msg));
        }
        List<String> problems = new ArrayList<>();
        Kube.Pod pod = null;
        Map<String, Kube.ConfigMap> configMaps = new LinkedHashMap<>();
        Map<String, Kube.Secret> secrets = new LinkedHashMap<>();
        for (int i = 0; i < docs.size(); i++) {
            JsonNode doc = docs.get(i);
            String where = docs.size() > 1 ? "document " + (i + 1) + ": " : "";
            if (!doc.isObject()) {
                problems.add(where + "not a Kubernetes object (a YAML mapping with apiVersion and kind)");
                continue;
            }
            String kind = doc.path("kind").asText("");
            String apiVersion = doc.path("apiVersion").asText("");
            if (!apiVersion.equals("v1")) {
                problems.add(where + "apiVersion must be v1, not \"" + apiVersion + "\"");
                continue;
            }
            try {
                switch (kind) {
                    case "Pod" -> {
                        if (pod != null) {
                            problems.add(where + "a second Pod; one manifest file holds one Pod");
                        } else {
                            pod = YAML.treeToValue(doc, Kube.Pod.class);
                        }
                    }
                    case "ConfigMap" -> {
                        Kube.ConfigMap cm = YAML.treeToValue(doc, Kube.ConfigMap.class);
                        String name = cm.metadata == null ? null : cm.metadata.name;
                        if (name == null || name.isEmpty()) {
                            problems.add(where + "ConfigMap metadata.name is missing");
                        } else if (configMaps.put(name, cm) != null) {
                            problems.add(where + "ConfigMap " + name + " is defined twice");
                        }
                    }
                    case "Secret" -> {
                        Kube.Secret s = YAML.treeToValue(doc, Kube.Secret.class);
                        String name = s.metadata == null ? null : s.metadata.name;
                        if (name == null || name.isEmpty()) {
                            problems.add(where + "Secret metadata.name is missing");
                        } else if (secrets.put(name, s) != null) {
                            problems.add(where + "Secret " + name + " is defined twice");
                        }
                    }
                    default -> problems.add(where + "kind \"" + kind
                            + "\" is not supported (Pod, ConfigMap and Secret are)");
                }
            } catch (UnrecognizedPropertyException e) {
                problems.add(where + kind + " field " + path(e) + " is not supported by peapod");
            } catch (JsonMappingException e) {
                problems.add(where + kind + " field " + path(e) + ": " + e.getOriginalMessage());
            } catch (JsonProcessingException e) {
                problems.add(where + e.getOriginalMessage());
            }
        }
        if (pod == null && problems.isEmpty()) {
            problems.add("no Pod document (kind: Pod)");
        }
        if (!problems.isEmpty()) {
            throw new ManifestException(source, problems);
        }
        Manifest m = new Manifest(source, pod, configMaps, secrets);
        List<String> invalid = new ManifestValidator(m).validate();
        if (!invalid.isEmpty()) {
            throw new ManifestException(source, invalid);
        }
        return m;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String at(JsonLocation loc) {
        return loc == null || loc.getLineNr() < 0 ? "" : " at line " + loc.getLineNr() + ", column "
                + loc.getColumnNr();
    }

    /** spec.containers[1].volumeDevices from Jackson's reference chain. */
    static String path(JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (b.length() > 0) {
                    b.append('.');
                }
                b.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }
}
