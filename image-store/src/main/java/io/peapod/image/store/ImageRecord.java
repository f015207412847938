package io.peapod.image.store;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.peapod.image.spec.Descriptor;

/**
 * One name in the image index: a full reference ({@code docker.io/library/busybox:latest} or
 * {@code repo@sha256:…}) and the manifest or index it points at.
 */
public record ImageRecord(@JsonProperty("name") String name,
                          @JsonProperty("target") Descriptor target,
                          @JsonProperty("createdAt") String createdAt,
                          @JsonProperty("updatedAt") String updatedAt) {
}
