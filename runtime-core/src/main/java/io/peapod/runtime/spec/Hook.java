package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A lifecycle hook: a host program run at one point of the container's life; timeout in seconds. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Hook extends Extensible {

    public String path;
    public List<String> args;
    public List<String> env;
    public Integer timeout;
}
