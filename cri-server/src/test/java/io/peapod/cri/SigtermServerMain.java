package io.peapod.cri;

import io.peapod.cri.v1.ListPodSandboxRequest;
import io.peapod.cri.v1.ListPodSandboxResponse;
import io.peapod.cri.v1.PodSandboxStatusRequest;
import io.peapod.cri.v1.PodSandboxStatusResponse;
import io.peapod.cri.v1.RemovePodSandboxRequest;
import io.peapod.cri.v1.RemovePodSandboxResponse;
import io.peapod.cri.v1.RunPodSandboxRequest;
import io.peapod.cri.v1.RunPodSandboxResponse;
import io.peapod.cri.v1.StopPodSandboxRequest;
import io.peapod.cri.v1.StopPodSandboxResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A server process for {@link CriServerSigtermTest}: serves on args[0] with the SIGTERM hook; its
 * RunPodSandbox prints "entered", then takes one second, so that SIGTERM lands mid-call.
 */
public final class SigtermServerMain {
    public static void main(String[] args) throws InterruptedException {
        UnwiredHandlers u = UnwiredHandlers.INSTANCE;
        CriServer server = new CriServer(Path.of(args[0]),
                new RuntimeServiceImpl(new GetVersion("1.0.0"), new SlowSandboxes(), u, u, u, u, u),
                ImageServiceImpl.unwired());
        server.start();
        server.installShutdownHook(Duration.ofSeconds(20));
        System.out.println("serving");
        server.awaitTermination();
    }

    private static final class SlowSandboxes implements PodSandboxHandler {
        @Override
        public RunPodSandboxResponse runPodSandbox(RunPodSandboxRequest request) {
            System.out.println("entered");
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            return RunPodSandboxResponse.newBuilder().setPodSandboxId("finished-after-sigterm").build();
        }

        @Override
        public StopPodSandboxResponse stopPodSandbox(StopPodSandboxRequest request) {
            throw new UnsupportedOperationException("StopPodSandbox is not scripted");
        }

        @Override
        public RemovePodSandboxResponse removePodSandbox(RemovePodSandboxRequest request) {
            throw new UnsupportedOperationException("RemovePodSandbox is not scripted");
        }

        @Override
        public PodSandboxStatusResponse podSandboxStatus(PodSandboxStatusRequest request) {
            throw new UnsupportedOperationException("PodSandboxStatus is not scripted");
        }

        @Override
        public ListPodSandboxResponse listPodSandbox(ListPodSandboxRequest request) {
            throw new UnsupportedOperationException("ListPodSandbox is not scripted");
        }
    }
}
