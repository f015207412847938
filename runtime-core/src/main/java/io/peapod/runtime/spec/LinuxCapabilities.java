package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The process's capability sets, each a list of names like {@code CAP_KILL}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxCapabilities extends Extensible {

    public List<String> bounding;
    public List<String> effective;
    public List<String> inheritable;
    public List<String> permitted;
    public List<String> ambient;
}
