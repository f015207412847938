package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Linux-specific configuration (config-linux.md). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Linux extends Extensible {

    public List<LinuxIdMapping> uidMappings;
    public List<LinuxIdMapping> gidMappings;
    public Map<String, String> sysctl;
    public LinuxResources resources;
    public String cgroupsPath;
    public List<LinuxNamespace> namespaces;
    public List<LinuxDevice> devices;
    public Seccomp seccomp;
    public String rootfsPropagation;
    public List<String> maskedPaths;
    public List<String> readonlyPaths;
    public String mountLabel;
    public LinuxIntelRdt intelRdt;
    public LinuxPersonality personality;
    /** Time namespace offsets by clock name ({@code monotonic}, {@code boottime}). */
    public Map<String, LinuxTimeOffset> timeOffsets;

    /** The namespace entry of this type, or null. */
    public LinuxNamespace namespace(String type) {
        if (namespaces != null) {
            for (LinuxNamespace ns : namespaces) {
                if (type.equals(ns.type)) {
                    return ns;
                }
            }
        }
        return null;
    }

    /** Whether a namespace of this type is listed (new or joined by path). */
    public boolean hasNamespace(String type) {
        return namespace(type) != null;
    }

    /** The namespace list, created empty when absent. */
    public List<LinuxNamespace> namespaces() {
        if (namespaces == null) {
            namespaces = new ArrayList<>();
        }
        return namespaces;
    }

    /** The resources, created empty when absent. */
    public LinuxResources resources() {
        if (resources == null) {
            resources = new LinuxResources();
        }
        return resources;
    }
}
