package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The container's root filesystem; path is relative to the bundle or absolute. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Root extends Extensible {

    public String path;
    public Boolean readonly;

    public Root() {
    }

    public Root(String path, Boolean readonly) {
        this.path = path;
        this.readonly = readonly;
    }
}
