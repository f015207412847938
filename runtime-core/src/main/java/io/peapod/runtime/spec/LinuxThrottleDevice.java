package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

/** Per-device block I/O rate limit (bytes or operations per second). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxThrottleDevice extends Extensible {

    public Long major;
    public Long minor;
    @JsonSerialize(using = Uint64.Serializer.class)
    @JsonDeserialize(using = Uint64.Deserializer.class)
    public Long rate;
}
