package io.peapod.cri.streaming.client;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.util.ReferenceCountUtil;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** portforward.k8s.io over SPDY from the client side: an error and a data stream per connection. */
final class SpdyPortForwardSession extends ChannelInboundHandlerAdapter implements PortForwardSession {
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final AtomicInteger requestIds = new AtomicInteger();
    private final Map<Integer, ForwardedStream> data = new ConcurrentHashMap<>();
    private final Map<Integer, ForwardedStream> errors = new ConcurrentHashMap<>();
    volatile Channel channel;
    Connector.Upgraded connection;

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == Connector.STARTED) {
            channel = ctx.channel();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public synchronized PortStream open(int port) {
        int errorId = nextId.getAndAdd(2);
        int dataId = nextId.getAndAdd(2);
        String requestId = Integer.toString(requestIds.getAndIncrement());
        ForwardedStream s = new ForwardedStream(port, (bytes, last) -> {
            DefaultSpdyDataFrame f = new DefaultSpdyDataFrame(dataId, channel.alloc().buffer(bytes.length)
                    .writeBytes(bytes));
            f.setLast(last);
            channel.writeAndFlush(f);
        }, () -> {
            channel.write(new DefaultSpdyRstStreamFrame(dataId, SpdyStreamStatus.CANCEL));
            channel.writeAndFlush(new DefaultSpdyRstStreamFrame(errorId, SpdyStreamStatus.CANCEL));
        });
        data.put(dataId, s);
        errors.put(errorId, s);
        for (int[] pair : new int[][] {{errorId, 0}, {dataId, 1}}) {
            DefaultSpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(pair[0], 0, (byte) 0);
            syn.headers().set("streamtype", pair[1] == 0 ? "error" : "data");
            syn.headers().set("port", Integer.toString(port));
            syn.headers().set("requestid", requestId);
            channel.write(syn);
        }
        channel.flush();
        return s;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof SpdyDataFrame f) {
                ForwardedStream d = data.get(f.streamId());
                ForwardedStream e = errors.get(f.streamId());
                byte[] bytes = ByteBufUtil.getBytes(f.content());
                if (d != null) {
                    d.data(bytes);
                    if (f.isLast()) {
                        d.end();
                    }
                } else if (e != null) {
                    e.error(bytes);
                }
            } else if (msg instanceof SpdyRstStreamFrame rst) {
                ForwardedStream d = data.get(rst.streamId());
                if (d != null) {
                    d.end();
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        data.values().forEach(ForwardedStream::end);
    }

    @Override
    public void close() {
        connection.shutdown();
    }
}
