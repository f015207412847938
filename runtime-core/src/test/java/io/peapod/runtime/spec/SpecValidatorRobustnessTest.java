package io.peapod.runtime.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peapod.runtime.errors.InvalidArgumentException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Whatever part of a config is missing or null, the validator answers with an
 * InvalidArgumentException or accepts the config; it never fails with another exception.
 */
public class SpecValidatorRobustnessTest {

    static final ObjectMapper PLAIN = new ObjectMapper();

    /** Every container node of the tree with the key or index of each child, so each can be nulled. */
    public static void collect(JsonNode node, String path, List<String> paths, List<Runnable> nullers,
            List<Runnable> restorers) {
        if (node instanceof ObjectNode obj) {
            List<String> names = new ArrayList<>();
            obj.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode child = obj.get(name);
                String p = path.isEmpty() ? name : path + "." + name;
                paths.add(p + " = null");
                nullers.add(() -> obj.set(name, NullNode.instance));
                restorers.add(() -> obj.set(name, child));
                paths.add(p + " removed");
                nullers.add(() -> obj.remove(name));
                restorers.add(() -> obj.set(name, child));
                collect(child, p, paths, nullers, restorers);
            }
        } else if (node instanceof ArrayNode arr) {
            for (int i = 0; i < arr.size(); i++) {
                int index = i;
                JsonNode child = arr.get(i);
                String p = path + "[" + i + "]";
                paths.add(p + " = null");
                nullers.add(() -> arr.set(index, NullNode.instance));
                restorers.add(() -> arr.set(index, child));
                collect(child, p, paths, nullers, restorers);
            }
        }
    }

    @Test
    void nullingAnyPartGivesAClearErrorOrPasses() throws Exception {
        JsonNode tree;
        try (InputStream in = getClass().getResourceAsStream("full-config.json")) {
            tree = PLAIN.readTree(in);
        }
        // The fixture joins no namespace by path and needs no rootfs: validate without a bundle.
        List<String> paths = new ArrayList<>();
        List<Runnable> nullers = new ArrayList<>();
        List<Runnable> restorers = new ArrayList<>();
        collect(tree, "", paths, nullers, restorers);
        for (int i = 0; i < nullers.size(); i++) {
            nullers.get(i).run();
            String json = tree.toString();
            try {
                SpecValidator.validate(SpecIO.fromJson(json), null);
            } catch (InvalidArgumentException expected) {
                // a clear error
            } catch (RuntimeException e) {
                fail("with " + paths.get(i) + " the validator threw " + e, e);
            }
            restorers.get(i).run();
        }
    }

    @Test
    void emptyObjectsEverywhere() {
        Spec spec = SpecIO.fromJson("{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"x\"],"
                + "\"cwd\":\"/\",\"user\":{},\"capabilities\":{},\"rlimits\":[]},\"hooks\":{},\"mounts\":[],"
                + "\"linux\":{\"resources\":{\"memory\":{},\"cpu\":{},\"blockIO\":{},\"network\":{}},\"seccomp\":"
                + "{\"defaultAction\":\"SCMP_ACT_ALLOW\"},\"namespaces\":[],\"sysctl\":{},\"timeOffsets\":{}}}");
        SpecValidator.validate(spec, null);
        String json = SpecIO.toJson(spec);
        assertEquals(json, SpecIO.toJson(SpecIO.fromJson(json)));
    }
}
