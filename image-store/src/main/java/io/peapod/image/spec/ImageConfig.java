package io.peapod.image.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The image configuration blob: platform, the default process ({@link ContainerConfig}) and the
 * rootfs diff IDs that layers must hash to once uncompressed.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ImageConfig(@JsonProperty("created") String created,
                          @JsonProperty("author") String author,
                          @JsonProperty("architecture") String architecture,
                          @JsonProperty("os") String os,
                          @JsonProperty("variant") String variant,
                          @JsonProperty("config") ContainerConfig config,
                          @JsonProperty("rootfs") RootFs rootfs,
                          @JsonProperty("history") List<History> history) {

    /** The process defaults of the image. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record ContainerConfig(@JsonProperty("User") String user,
                                  @JsonProperty("ExposedPorts") Map<String, Object> exposedPorts,
                                  @JsonProperty("Env") List<String> env,
                                  @JsonProperty("Entrypoint") List<String> entrypoint,
                                  @JsonProperty("Cmd") List<String> cmd,
                                  @JsonProperty("Volumes") Map<String, Object> volumes,
                                  @JsonProperty("WorkingDir") String workingDir,
                                  @JsonProperty("Labels") Map<String, String> labels,
                                  @JsonProperty("StopSignal") String stopSignal) {
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record RootFs(@JsonProperty("type") String type,
                         @JsonProperty("diff_ids") List<String> diffIds) {
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record History(@JsonProperty("created") String created,
                          @JsonProperty("created_by") String createdBy,
                          @JsonProperty("comment") String comment,
                          @JsonProperty("empty_layer") Boolean emptyLayer) {
    }

    public Platform platform() {
        return Platform.of(os, architecture, variant);
    }
}
