package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Per-device block I/O weight. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxWeightDevice extends Extensible {

    public Long major;
    public Long minor;
    public Integer weight;
    public Integer leafWeight;
}
