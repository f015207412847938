package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Base of every object of the spec model. The OCI spec lets a config carry properties this
 * runtime does not know (newer spec versions, other runtimes' extensions); they are kept here
 * on read and written back unchanged, so that reading and writing a config loses nothing.
 */
public abstract class Extensible {

    private final Map<String, JsonNode> extensions = new LinkedHashMap<>();

    /** Properties of this object that the model does not know, in document order. */
    @JsonAnyGetter
    public Map<String, JsonNode> extensions() {
        return extensions;
    }

    @JsonAnySetter
    public void extension(String name, JsonNode value) {
        extensions.put(name, value);
    }
}
