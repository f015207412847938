/**
 * Control groups for containers and pod sandboxes.
 *
 * <p>{@link io.peapod.runtime.cgroup.CgroupManagers#forPath(String)} returns the {@link
 * io.peapod.runtime.cgroup.CgroupManager} for the machine's {@link io.peapod.runtime.cgroup.CgroupLayout}: the
 * v2 manager on a unified host, the v1 manager on legacy and hybrid hosts (in the hybrid layout the v1
 * hierarchies carry the controllers, as with runc, and the controller-less cgroup2 mount only tracks
 * membership). Limits are an immutable {@link io.peapod.runtime.cgroup.CgroupResources} in OCI terms; each
 * version translates them in its own package, one class per controller. Device rules mean what the v1
 * devices controller makes of them ({@link io.peapod.runtime.cgroup.DevicePolicy}); v1 writes them to
 * devices.allow/devices.deny, v2 compiles them into a BPF_CGROUP_DEVICE program.
 *
 * <p>Typical use by whoever starts a container: {@code create(resources)}, hand {@code procsFiles()} to the
 * helper (or {@code addProcess(pid)}), later {@code stats()}, {@code freeze()}/{@code thaw()}, {@code
 * killAll(SIGKILL)} and {@code destroy()}.
 */
package io.peapod.runtime.cgroup;
