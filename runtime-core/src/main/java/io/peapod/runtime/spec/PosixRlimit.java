package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

/** One POSIX rlimit: type {@code RLIMIT_*}, soft and hard as uint64 (see {@link Uint64}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PosixRlimit extends Extensible {

    public String type;
    @JsonSerialize(using = Uint64.Serializer.class)
    @JsonDeserialize(using = Uint64.Deserializer.class)
    public Long hard;
    @JsonSerialize(using = Uint64.Serializer.class)
    @JsonDeserialize(using = Uint64.Deserializer.class)
    public Long soft;

    public PosixRlimit() {
    }

    public PosixRlimit(String type, long hard, long soft) {
        this.type = type;
        this.hard = hard;
        this.soft = soft;
    }
}
