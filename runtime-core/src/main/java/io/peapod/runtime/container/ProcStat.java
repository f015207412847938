package io.peapod.runtime.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a process's start time from /proc, so that a recycled pid is told apart. */
final class ProcStat {
    private ProcStat() {
    }

    /** The start time (clock ticks since boot, field 22 of /proc/PID/stat), or -1 if no such process. */
    static long startTime(int pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
            // the command name (field 2) may hold spaces and parentheses: count from the last ')'
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            if (rest[0].equals("Z") || rest[0].equals("X")) {
                return -1;
            }
            return Long.parseLong(rest[19]);
        } catch (NoSuchFileException e) {
            return -1;
        } catch (IOException e) {
            return -1;
        }
    }

    static boolean isAlive(int pid, long startTime) {
        long now = startTime(pid);
        return now != -1 && now == startTime;
    }
}
