package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The lifecycle hooks, by the point at which they run (config.md "POSIX-platform Hooks"). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Hooks extends Extensible {

    /** Deprecated by the spec in favour of createRuntime, createContainer and startContainer. */
    public List<Hook> prestart;
    public List<Hook> createRuntime;
    public List<Hook> createContainer;
    public List<Hook> startContainer;
    public List<Hook> poststart;
    public List<Hook> poststop;
}
