package org.dftp.netty.cluster;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.dftp.core.wire.DiscoveryPing;
import org.dftp.core.wire.Wire;
import org.dftp.netty.HostPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Multicast peer discovery of docs/PROTOCOL.md on Netty's own datagram channel (epoll where it loads, NIO
 * otherwise, IPv4): joins the group on every up, multicast-capable IPv4 interface, sends a
 * {@link DiscoveryPing} at start and every {@link #PING_INTERVAL}, and hands every ping of our cluster
 * from another node to a listener with the sender's management address (an empty host taken from the
 * datagram's source). Own pings, other clusters' pings and malformed datagrams are dropped, logged at
 * debug; nothing a datagram holds can stop the channel.
 */
public final class MulticastDiscovery implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MulticastDiscovery.class);
    /** How often the original pings. */
    public static final Duration PING_INTERVAL = Duration.ofSeconds(55);
    /** Datagrams longer than this are not pings. */
    static final int MAX_PING = 4096;

    private final EventLoopGroup group;
    /** Receives: bound to the group's own address, so the kernel delivers only datagrams sent to the group. */
    private final Channel channel;
    /** Sends the pings, from an ephemeral port (a socket bound to a multicast address cannot send from it). */
    private final Channel sender;
    private final InetSocketAddress groupAddress;
    /** The ping as sent; signed afresh for every datagram when the cluster has a secret. */
    private final java.util.function.Supplier<byte[]> ping;
    private final List<NetworkInterface> joined;

    private MulticastDiscovery(EventLoopGroup group, Channel channel, Channel sender, InetSocketAddress groupAddress,
                               java.util.function.Supplier<byte[]> ping, List<NetworkInterface> joined) {
        this.group = group;
        this.channel = channel;
        this.sender = sender;
        this.groupAddress = groupAddress;
        this.ping = ping;
        this.joined = joined;
    }

    /**
     * Binds the group's port, joins the group and starts pinging.
     *
     * @param groupAddr the group, e.g. {@code 224.0.0.9:7041}
     * @param clusterName our cluster; pings of others are ignored
     * @param selfName our node name; pings carrying it are ours and ignored
     * @param mgmtAddr what we announce as {@code MgmtAddr} (the host may be empty)
     * @param interval how often to ping ({@link #PING_INTERVAL} in production)
     * @param listener told {@code (node name, management address)} of every ping from another node
     * @throws IOException when the group is not a multicast address or the port cannot be bound
     */
    public static MulticastDiscovery start(HostPort groupAddr, String clusterName, String selfName, HostPort mgmtAddr,
                                           Duration interval, BiConsumer<String, HostPort> listener) throws IOException {
        return start(groupAddr, clusterName, selfName, mgmtAddr, interval, listener, null, new org.dftp.netty.NodeMetrics());
    }

    /**
     * The same in a cluster with a secret ({@code signing} not null): every ping sent is signed, and a ping
     * that is not signed with the secret, stale or replayed is dropped and counted in {@code metrics}.
     */
    public static MulticastDiscovery start(HostPort groupAddr, String clusterName, String selfName, HostPort mgmtAddr,
                                           Duration interval, BiConsumer<String, HostPort> listener,
                                           ClusterSigning signing, org.dftp.netty.NodeMetrics metrics)
            throws IOException {
        Objects.requireNonNull(listener, "listener");
        InetAddress groupIp = InetAddress.getByName(groupAddr.host());
        if (!(groupIp instanceof Inet4Address) || !groupIp.isMulticastAddress()) {
            throw new IOException("'" + groupAddr + "' is not an IPv4 multicast address");
        }
        InetSocketAddress groupAddress = new InetSocketAddress(groupIp, groupAddr.port());
        DiscoveryPing unsigned = DiscoveryPing.ping(clusterName, selfName, mgmtAddr.toString());
        byte[] plain = Wire.MAPPER.writeValueAsBytes(unsigned);
        java.util.function.Supplier<byte[]> ping = signing == null ? () -> plain : () -> {
            try {
                return Wire.MAPPER.writeValueAsBytes(signing.signPing(unsigned));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("a ping does not serialize", e);
            }
        };

        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("dftp-discovery", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Supplier<DatagramChannel> channels = epoll
                ? () -> new EpollDatagramChannel(SocketProtocolFamily.INET)
                : () -> new NioDatagramChannel(SocketProtocolFamily.INET);
        try {
            DatagramChannel ch = (DatagramChannel) new Bootstrap()
                    .group(group)
                    .channelFactory(channels::get)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .option(ChannelOption.IP_MULTICAST_LOOP_DISABLED, false)
                    .handler(new PingHandler(clusterName, selfName, listener, signing, metrics))
                    // The group's address, not the wildcard: a socket bound to 0.0.0.0 also takes unicast
                    // datagrams, so anyone who can reach the port could feed it forged pings one by one.
                    .bind(groupAddress)
                    .sync()
                    .channel();
            DatagramChannel sender = (DatagramChannel) new Bootstrap()
                    .group(group)
                    .channelFactory(channels::get)
                    .option(ChannelOption.IP_MULTICAST_LOOP_DISABLED, false)
                    .handler(new io.netty.channel.ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            io.netty.util.ReferenceCountUtil.release(msg); // nothing is expected here
                        }
                    })
                    .bind(new InetSocketAddress(0))
                    .sync()
                    .channel();
            List<NetworkInterface> joined = new ArrayList<>();
            for (NetworkInterface ni : multicastInterfaces()) {
                try {
                    ch.joinGroup(groupAddress, ni).sync();
                    joined.add(ni);
                } catch (Exception e) {
                    log.debug("Discovery: cannot join {} on {}: {}", groupAddress, ni.getName(), e.toString());
                }
            }
            if (joined.isEmpty()) {
                log.warn("Discovery: no multicast-capable interface joined {}; pings from others will not arrive",
                        groupAddr);
            }
            MulticastDiscovery d = new MulticastDiscovery(group, ch, sender, groupAddress, ping, joined);
            ch.eventLoop().scheduleAtFixedRate(d::sendPing, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
            log.info("Multicast discovery on {} ({}, interfaces {})", groupAddr, epoll ? "epoll" : "nio",
                    joined.stream().map(NetworkInterface::getName).toList());
            return d;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("interrupted while starting discovery", e);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("cannot start multicast discovery on " + groupAddr + ": " + e.getMessage(), e);
        }
    }

    /** Up interfaces that do multicast and have an IPv4 address (loopback only when it does multicast). */
    static List<NetworkInterface> multicastInterfaces() throws SocketException {
        List<NetworkInterface> out = new ArrayList<>();
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (ni.isUp() && ni.supportsMulticast()
                    && Collections.list(ni.getInetAddresses()).stream().anyMatch(a -> a instanceof Inet4Address)) {
                out.add(ni);
            }
        }
        return out;
    }

    /** The interfaces the group was joined on. */
    public List<String> interfaces() {
        return joined.stream().map(NetworkInterface::getName).toList();
    }

    /** Sends one ping now (also done at start and every interval). */
    public void sendPing() {
        if (!sender.isActive()) {
            return;
        }
        sender.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(ping.get()), groupAddress))
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        log.debug("Discovery: sending ping failed: {}", f.cause().toString());
                    }
                });
    }

    @Override
    public void close() {
        try {
            sender.close().await(2, TimeUnit.SECONDS);
            channel.close().await(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    /** Reads pings; the base class releases every datagram after {@link #channelRead0}. */
    static final class PingHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        private final String clusterName;
        private final String selfName;
        private final BiConsumer<String, HostPort> listener;

        private final ClusterSigning signing;
        private final org.dftp.netty.NodeMetrics metrics;

        PingHandler(String clusterName, String selfName, BiConsumer<String, HostPort> listener) {
            this(clusterName, selfName, listener, null, new org.dftp.netty.NodeMetrics());
        }

        PingHandler(String clusterName, String selfName, BiConsumer<String, HostPort> listener,
                    ClusterSigning signing, org.dftp.netty.NodeMetrics metrics) {
            this.signing = signing;
            this.metrics = metrics;
            this.clusterName = clusterName;
            this.selfName = selfName;
            this.listener = listener;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            InetSocketAddress from = packet.sender();
            if (packet.content().readableBytes() > MAX_PING || from == null || from.getAddress() == null) {
                log.debug("Discovery: dropping a datagram of {} bytes from {}", packet.content().readableBytes(), from);
                return;
            }
            DiscoveryPing p;
            HostPort mgmt;
            try {
                p = Wire.MAPPER.readValue(ByteBufUtil.getBytes(packet.content()), DiscoveryPing.class);
                mgmt = MgmtInput.discoveryPing(p, clusterName, selfName, MgmtInput.hostOf(from.getAddress()));
            } catch (IOException | IllegalArgumentException e) {
                log.debug("Discovery: dropping a malformed datagram from {}: {}", from, e.getMessage());
                return;
            }
            if (mgmt == null) {
                return; // our own ping, or another cluster's
            }
            String unsigned = signing == null ? null : signing.pingRefusal(p);
            if (unsigned != null) {
                metrics.requestsRefusedUnsigned.increment();
                log.debug("Discovery: dropping a ping from {} ({}): {}", from, p.nodeName(), unsigned);
                return;
            }
            try {
                listener.accept(p.nodeName(), mgmt);
            } catch (RuntimeException e) {
                log.warn("Discovery: handling a ping from {} failed", from, e);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("Discovery: socket error: {}", cause.toString()); // a datagram channel goes on
        }
    }
}
