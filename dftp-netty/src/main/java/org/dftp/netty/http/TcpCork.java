package org.dftp.netty.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.epoll.EpollSocketChannel;

/**
 * {@code TCP_CORK} around one response on the native transport: while corked, the kernel sends only full
 * segments, so a response's headers and the start of its sendfile body share packets. NIO cannot cork and
 * sends as before.
 */
final class TcpCork {
    private final EpollSocketChannel channel;

    private TcpCork(EpollSocketChannel channel) {
        this.channel = channel;
    }

    /** Corks the channel and returns the handle that uncorks it, or null when the transport cannot cork. */
    static TcpCork on(Channel channel) {
        if (!(channel instanceof EpollSocketChannel epoll) || !set(epoll, true)) {
            return null;
        }
        return new TcpCork(epoll);
    }

    /** Uncorks: whatever is still held goes out now. */
    void off() {
        set(channel, false);
    }

    private static boolean set(EpollSocketChannel channel, boolean cork) {
        if (!channel.isOpen()) {
            return false;
        }
        try {
            channel.config().setTcpCork(cork);
            return true;
        } catch (ChannelException e) {
            return false; // closed in between: nothing left to send
        }
    }
}
