package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Intel RDT (resctrl) class of service and schemata. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxIntelRdt extends Extensible {

    public String closID;
    public String schemata;
    public String l3CacheSchema;
    public String memBwSchema;
    public Boolean enableCMT;
    public Boolean enableMBM;
}
