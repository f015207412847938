package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

/** hugetlb limit in bytes for one page size such as {@code 2MB}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxHugepageLimit extends Extensible {

    public String pageSize;
    @JsonSerialize(using = Uint64.Serializer.class)
    @JsonDeserialize(using = Uint64.Deserializer.class)
    public Long limit;
}
