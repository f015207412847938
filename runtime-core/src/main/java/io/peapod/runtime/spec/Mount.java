package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A mount inside the container (config.md "mounts"). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Mount extends Extensible {

    public String destination;
    public String type;
    public String source;
    public List<String> options;
    public List<LinuxIdMapping> uidMappings;
    public List<LinuxIdMapping> gidMappings;

    public Mount() {
    }

    public Mount(String destination, String type, String source, List<String> options) {
        this.destination = destination;
        this.type = type;
        this.source = source;
        this.options = options;
    }
}
