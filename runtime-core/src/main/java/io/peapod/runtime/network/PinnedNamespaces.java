package io.peapod.runtime.network;

import java.nio.file.Path;

/**
 * The pinned namespace files of one pod. A {@code null} path means the pod uses the
 * host's namespace of that kind.
 */
public record PinnedNamespaces(Path net, Path ipc, Path uts) {

    public Path path(NamespaceType type) {
        switch (type) {
            case NET:
                return net;
            case IPC:
                return ipc;
            case UTS:
                return uts;
            default:
                throw new IllegalArgumentException("namespace type " + type);
        }
    }
}
