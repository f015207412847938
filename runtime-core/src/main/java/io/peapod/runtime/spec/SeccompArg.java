package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

/** A condition on one system call argument: op compares argument index with value (and valueTwo, the mask of SCMP_CMP_MASKED_EQ). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SeccompArg extends Extensible {

    public Long index;
    @JsonSerialize(using = Uint64.Serializer.class)
    @JsonDeserialize(using = Uint64.Deserializer.class)
    public Long value;
    @JsonSerialize(using = Uint64.Serializer.class)
    @JsonDeserialize(using = Uint64.Deserializer.class)
    public Long valueTwo;
    public String op;

    public SeccompArg() {
    }

    public SeccompArg(int index, long value, Long valueTwo, String op) {
        this.index = (long) index;
        this.value = value;
        this.valueTwo = valueTwo;
        this.op = op;
    }
}
