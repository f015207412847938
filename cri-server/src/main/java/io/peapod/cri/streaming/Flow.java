package io.peapod.cri.streaming;

import io.netty.channel.Channel;

/** Lets a pump thread wait for a Netty channel to become writable again. */
final class Flow {
    private final Object lock = new Object();
    private final Channel channel;

    Flow(Channel channel) {
        this.channel = channel;
    }

    /** Call from channelWritabilityChanged and channelInactive. */
    void changed() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    boolean awaitWritable() {
        synchronized (lock) {
            while (channel.isActive() && !channel.isWritable()) {
                try {
                    lock.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return channel.isActive();
        }
    }
}
