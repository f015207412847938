package io.peapod.cri.service;

import io.peapod.cri.ImageHandler;
import io.peapod.cri.v1.AuthConfig;
import io.peapod.cri.v1.FilesystemIdentifier;
import io.peapod.cri.v1.FilesystemUsage;
import io.peapod.cri.v1.ImageFsInfoRequest;
import io.peapod.cri.v1.ImageFsInfoResponse;
import io.peapod.cri.v1.ImageSpec;
import io.peapod.cri.v1.ImageStatusRequest;
import io.peapod.cri.v1.ImageStatusResponse;
import io.peapod.cri.v1.Int64Value;
import io.peapod.cri.v1.ListImagesRequest;
import io.peapod.cri.v1.ListImagesResponse;
import io.peapod.cri.v1.PullImageRequest;
import io.peapod.cri.v1.PullImageResponse;
import io.peapod.cri.v1.RemoveImageRequest;
import io.peapod.cri.v1.RemoveImageResponse;
import io.peapod.cri.v1.UInt64Value;
import io.peapod.image.Image;
import io.peapod.image.spec.ImageReference;
import io.peapod.image.ProgressListener;
import io.peapod.image.snapshot.DiskUsage;
import io.peapod.runtime.Engine;
import io.peapod.runtime.errors.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The CRI ImageService over the engine's image store. */
public final class CriImages implements ImageHandler {
    private final Engine engine;

    public CriImages(Engine engine) {
        this.engine = engine;
    }

    @Override
    public ListImagesResponse listImages(ListImagesRequest request) {
        String wanted = request.getFilter().getImage().getImage();
        ListImagesResponse.Builder out = ListImagesResponse.newBuilder();
        if (!wanted.isEmpty()) {
            find(wanted).ifPresent(i -> out.addImages(toCri(i)));
            return out.build();
        }
        for (Image i : engine.images().list()) {
            out.addImages(toCri(i));
        }
        return out.build();
    }

    @Override
    public ImageStatusResponse imageStatus(ImageStatusRequest request) {
        String ref = requireImage(request.getImage());
        Optional<Image> image = find(ref);
        ImageStatusResponse.Builder out = ImageStatusResponse.newBuilder();
        // an absent image is no error here: the kubelet asks to learn whether it must pull
        image.ifPresent(i -> {
            out.setImage(toCri(i));
            if (request.getVerbose()) {
                Map<String, Object> info = new LinkedHashMap<>();
                info.put("manifestDigest", i.manifestDigest().toString());
                info.put("chainId", i.chainId() == null ? null : i.chainId().toString());
                info.put("platform", i.platform() == null ? null : i.platform().toString());
                info.put("config", i.config());
                out.putInfo("info", CriJson.toJson(info));
            }
        });
        return out.build();
    }

    @Override
    public PullImageResponse pullImage(PullImageRequest request) {
        String ref = requireImage(request.getImage());
        if (request.hasAuth()) {
            applyAuth(ref, request.getAuth());
        }
        Image image = engine.images().pull(ref, ProgressListener.NONE);
        return PullImageResponse.newBuilder().setImageRef(image.id().toString()).build();
    }

    private void applyAuth(String ref, AuthConfig auth) {
        String host = auth.getServerAddress().isEmpty() ? ImageReference.parse(ref).domain()
                : auth.getServerAddress().replaceFirst("^https?://", "").replaceFirst("/.*$", "");
        String user = auth.getUsername();
        String password = auth.getPassword();
        if (!auth.getAuth().isEmpty()) {
            String decoded = new String(Base64.getDecoder().decode(auth.getAuth()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new InvalidArgumentException("auth.auth is not base64 of user:password");
            }
            user = decoded.substring(0, colon);
            password = decoded.substring(colon + 1);
        } else if (!auth.getIdentityToken().isEmpty()) {
            user = "";
            password = auth.getIdentityToken();
        } else if (!auth.getRegistryToken().isEmpty()) {
            user = "";
            password = auth.getRegistryToken();
        }
        engine.config().registries().credentials(host, user, password);
    }

    @Override
    public RemoveImageResponse removeImage(RemoveImageRequest request) {
        String ref = requireImage(request.getImage());
        // removing an image that is not there is not an error in the CRI
        if (find(ref).isPresent()) {
            engine.images().remove(ref, false);
        }
        return RemoveImageResponse.getDefaultInstance();
    }

    @Override
    public ImageFsInfoResponse imageFsInfo(ImageFsInfoRequest request) {
        DiskUsage usage = engine.images().diskUsage();
        long now = System.currentTimeMillis() * 1_000_000L;
        FilesystemUsage fs = FilesystemUsage.newBuilder().setTimestamp(now)
                .setFsId(FilesystemIdentifier.newBuilder().setMountpoint(engine.config().root().toString()))
                .setUsedBytes(UInt64Value.newBuilder().setValue(usage.bytes()))
                .setInodesUsed(UInt64Value.newBuilder().setValue(usage.inodes())).build();
        return ImageFsInfoResponse.newBuilder().addImageFilesystems(fs).addContainerFilesystems(fs).build();
    }

    private Optional<Image> find(String ref) {
        return engine.images().find(ref);
    }

    private static String requireImage(ImageSpec spec) {
        if (spec.getImage().isEmpty()) {
            throw new InvalidArgumentException("image is empty");
        }
        return spec.getImage();
    }

    static io.peapod.cri.v1.Image toCri(Image i) {
        io.peapod.cri.v1.Image.Builder b = io.peapod.cri.v1.Image.newBuilder().setId(i.id().toString())
                .addAllRepoTags(i.repoTags()).addAllRepoDigests(i.repoDigests()).setSize(i.size())
                .setSpec(ImageSpec.newBuilder().setImage(i.id().toString()));
        String user = i.config() == null || i.config().config() == null ? null : i.config().config().user();
        if (user != null && !user.isEmpty()) {
            String name = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
            try {
                b.setUid(Int64Value.newBuilder().setValue(Long.parseLong(name)));
            } catch (NumberFormatException e) {
                b.setUsername(name);
            }
        }
        return b.build();
    }
}
