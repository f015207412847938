package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** personality(2) domain ({@code LINUX} or {@code LINUX32}) and flags. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxPersonality extends Extensible {

    public String domain;
    public List<String> flags;
}
