package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The container configuration, {@code config.json} of an OCI bundle (runtime-spec config.md). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Spec extends Extensible {

    public String ociVersion;
    public Process process;
    public Root root;
    public String hostname;
    public String domainname;
    public List<Mount> mounts;
    public Hooks hooks;
    public Map<String, String> annotations;
    public Linux linux;

    /** The {@code linux} section, created empty when absent. */
    public Linux linux() {
        if (linux == null) {
            linux = new Linux();
        }
        return linux;
    }

    /** The annotations, created empty when absent. */
    public Map<String, String> annotations() {
        if (annotations == null) {
            annotations = new LinkedHashMap<>();
        }
        return annotations;
    }
}
