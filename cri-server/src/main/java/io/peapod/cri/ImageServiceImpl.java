package io.peapod.cri;

import io.grpc.stub.StreamObserver;
import io.peapod.cri.v1.*;
import java.util.Objects;

/** ImageService: only dispatches to an {@link ImageHandler}; see {@link RuntimeServiceImpl}. */
public final class ImageServiceImpl extends ImageServiceGrpc.ImageServiceImplBase {
    private final ImageHandler images;

    public ImageServiceImpl(ImageHandler images) {
        this.images = Objects.requireNonNull(images, "images");
    }

    /** Every RPC UNIMPLEMENTED with a sentence naming it, until an image handler exists. */
    public static ImageServiceImpl unwired() {
        return new ImageServiceImpl(UnwiredHandlers.INSTANCE);
    }

    @Override
    public void listImages(ListImagesRequest request, StreamObserver<ListImagesResponse> observer) {
        Replies.reply(observer, images.listImages(request));
    }

    @Override
    public void imageStatus(ImageStatusRequest request, StreamObserver<ImageStatusResponse> observer) {
        Replies.reply(observer, images.imageStatus(request));
    }

    @Override
    public void pullImage(PullImageRequest request, StreamObserver<PullImageResponse> observer) {
        Replies.reply(observer, images.pullImage(request));
    }

    @Override
    public void removeImage(RemoveImageRequest request, StreamObserver<RemoveImageResponse> observer) {
        Replies.reply(observer, images.removeImage(request));
    }

    @Override
    public void imageFsInfo(ImageFsInfoRequest request, StreamObserver<ImageFsInfoResponse> observer) {
        Replies.reply(observer, images.imageFsInfo(request));
    }
}
