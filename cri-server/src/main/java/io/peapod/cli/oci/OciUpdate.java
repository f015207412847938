package io.peapod.cli.oci;

import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.spec.LinuxCpu;
import io.peapod.runtime.spec.LinuxMemory;
import io.peapod.runtime.spec.LinuxPids;
import io.peapod.runtime.spec.LinuxResources;
import io.peapod.runtime.spec.SpecIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "update", description = "Change a container's cgroup limits.")
final class OciUpdate implements Callable<Integer> {
    @ParentCommand
    OciCommand oci;

    @Parameters(index = "0", paramLabel = "CONTAINER-ID")
    String id;

    @Option(names = {"-r", "--resources"}, description = "an OCI linux.resources JSON file, or - for stdin")
    String resources;

    @Option(names = {"-m", "--memory"}, description = "memory limit in bytes")
    Long memory;

    @Option(names = "--memory-reservation", description = "memory soft limit in bytes")
    Long memoryReservation;

    @Option(names = "--memory-swap", description = "memory plus swap limit in bytes")
    Long memorySwap;

    @Option(names = "--cpu-shares", description = "relative cpu weight")
    Long cpuShares;

    @Option(names = "--cpu-quota", description = "cpu time per period in microseconds")
    Long cpuQuota;

    @Option(names = "--cpu-period", description = "cpu period in microseconds")
    Long cpuPeriod;

    @Option(names = "--cpuset-cpus", description = "cpus the container may use")
    String cpusetCpus;

    @Option(names = "--cpuset-mems", description = "memory nodes the container may use")
    String cpusetMems;

    @Option(names = "--pids-limit", description = "maximum number of processes")
    Long pidsLimit;

    @Override
    public Integer call() throws IOException {
        oci.runtime().update(id, resources());
        return 0;
    }

    LinuxResources resources() throws IOException {
        LinuxResources r;
        if (resources != null) {
            byte[] json = resources.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(resources));
            try {
                r = SpecIO.mapper().readValue(json, LinuxResources.class);
            } catch (IOException e) {
                throw new InvalidArgumentException("--resources " + resources + ": not a linux.resources object: "
                        + e.getMessage());
            }
            if (r == null) {
                throw new InvalidArgumentException("--resources " + resources + ": empty");
            }
        } else {
            r = new LinuxResources();
        }
        if (memory != null || memoryReservation != null || memorySwap != null) {
            r.memory = r.memory == null ? new LinuxMemory() : r.memory;
            r.memory.limit = memory != null ? memory : r.memory.limit;
            r.memory.reservation = memoryReservation != null ? memoryReservation : r.memory.reservation;
            r.memory.swap = memorySwap != null ? memorySwap : r.memory.swap;
        }
        if (cpuShares != null || cpuQuota != null || cpuPeriod != null || cpusetCpus != null || cpusetMems != null) {
            r.cpu = r.cpu == null ? new LinuxCpu() : r.cpu;
            r.cpu.shares = cpuShares != null ? cpuShares : r.cpu.shares;
            r.cpu.quota = cpuQuota != null ? cpuQuota : r.cpu.quota;
            r.cpu.period = cpuPeriod != null ? cpuPeriod : r.cpu.period;
            r.cpu.cpus = cpusetCpus != null ? cpusetCpus : r.cpu.cpus;
            r.cpu.mems = cpusetMems != null ? cpusetMems : r.cpu.mems;
        }
        if (pidsLimit != null) {
            r.pids = new LinuxPids(pidsLimit);
        }
        return r;
    }
}
