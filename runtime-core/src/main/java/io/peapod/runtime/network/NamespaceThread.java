package io.peapod.runtime.network;

import io.peapod.runtime.errors.PeapodException;
import java.util.concurrent.Callable;

/**
 * Runs one task on a fresh platform thread and waits for it. The task may unshare or
 * setns the network, IPC or UTS namespace of its thread: those are per-thread, and
 * the thread ends with the task, so no other work ever runs in the namespaces it
 * entered. Never use a pool or a virtual thread for this.
 */
final class NamespaceThread {
    private NamespaceThread() {
    }

    static <T> T call(String name, Callable<T> task) {
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread thread = new Thread(() -> {
            try {
                result[0] = task.call();
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                // the task changes kernel state; let it finish so its outcome is known
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure[0];
        if (t instanceof RuntimeException) {
            throw (RuntimeException) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        if (t != null) {
            throw new PeapodException(name + " failed: " + t.getMessage(), t);
        }
        @SuppressWarnings("unchecked")
        T value = (T) result[0];
        return value;
    }

    static void run(String name, Runnable task) {
        call(name, () -> {
            task.run();
            return null;
        });
    }
}
