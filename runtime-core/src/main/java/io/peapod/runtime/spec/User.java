package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The process's user and groups. uid, gid, umask and additionalGids are uint32 (0 … 4294967295). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class User extends Extensible {

    public Long uid;
    public Long gid;
    public Long umask;
    public List<Long> additionalGids;
    /** Windows only. */
    public String username;

    public User() {
    }

    public User(long uid, long gid) {
        this.uid = uid;
        this.gid = gid;
    }
}
