package io.peapod.cri;

import io.peapod.cri.v1.ImageFsInfoRequest;
import io.peapod.cri.v1.ImageFsInfoResponse;
import io.peapod.cri.v1.ImageStatusRequest;
import io.peapod.cri.v1.ImageStatusResponse;
import io.peapod.cri.v1.ListImagesRequest;
import io.peapod.cri.v1.ListImagesResponse;
import io.peapod.cri.v1.PullImageRequest;
import io.peapod.cri.v1.PullImageResponse;
import io.peapod.cri.v1.RemoveImageRequest;
import io.peapod.cri.v1.RemoveImageResponse;

/** Every ImageService RPC; same error contract as {@link PodSandboxHandler}. */
public interface ImageHandler {
    ListImagesResponse listImages(ListImagesRequest request);

    ImageStatusResponse imageStatus(ImageStatusRequest request);

    PullImageResponse pullImage(PullImageRequest request);

    RemoveImageResponse removeImage(RemoveImageRequest request);

    ImageFsInfoResponse imageFsInfo(ImageFsInfoRequest request);
}
