package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

/** Console size in characters. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Box extends Extensible {

    @JsonSerialize(using = Uint64.Serializer.class)
    @JsonDeserialize(using = Uint64.Deserializer.class)
    public Long height;
    @JsonSerialize(using = Uint64.Serializer.class)
    @JsonDeserialize(using = Uint64.Deserializer.class)
    public Long width;

    public Box() {
    }

    public Box(long height, long width) {
        this.height = height;
        this.width = width;
    }
}
