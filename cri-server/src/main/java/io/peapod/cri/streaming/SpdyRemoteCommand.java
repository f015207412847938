package io.peapod.cri.streaming;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.DefaultSpdyWindowUpdateFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * remotecommand over SPDY/3.1 (v4, v3, v2): the client opens one stream per role, named
 * by its {@code streamType} header (error, stdin, stdout, stderr, resize). Once every stream
 * the request needs is there, the command starts. The exit status goes to the error stream:
 * a Status object in v4, a text message on failure in v2 and v3.
 *
 * <p>Like the kubelet's spdystream, this side does not hold its own output back for the
 * peer's flow-control window; it grants the peer window for everything it receives.
 */
final class SpdyRemoteCommand extends ChannelInboundHandlerAdapter implements RemoteCommandClient {
    private static final Logger LOG = LoggerFactory.getLogger(SpdyRemoteCommand.class);
    static final String V4 = "v4.channel.k8s.io";
    static final String V3 = "v3.channel.k8s.io";
    static final String V2 = "v2.channel.k8s.io";
    static final String STREAM_TYPE = "streamtype";
    private static final long STREAM_TIMEOUT_SECONDS = 30;

    private final String protocol;
    private final boolean stdin;
    private final boolean stdout;
    private final boolean stderr;
    private final boolean tty;
    private final Function<RemoteCommandClient, RemoteCommand> factory;
    private final Map<String, Integer> streams = new HashMap<>();
    private final StringBuilder resizeText = new StringBuilder();
    private ChannelHandlerContext ctx;
    private Flow flow;
    private RemoteCommand command;
    private ScheduledFuture<?> timeout;
    private volatile boolean finished;

    SpdyRemoteCommand(String protocol, boolean stdin, boolean stdout, boolean stderr, boolean tty,
                      Function<RemoteCommandClient, RemoteCommand> factory) {
        this.protocol = protocol;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.tty = tty;
        this.factory = factory;
    }

    private Set<String> expected() {
        Set<String> s = new HashSet<>();
        s.add("error");
        if (stdin) {
            s.add("stdin");
        }
        if (stdout) {
            s.add("stdout");
        }
        if (stderr && !tty) {
            s.add("stderr");
        }
        if (tty && !protocol.equals(V2)) {
            s.add("resize");
        }
        return s;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.flow = new Flow(ctx.channel());
        this.timeout = ctx.executor().schedule(() -> {
            if (command == null) {
                LOG.info("streaming client did not open streams {} within {} s (has {})", expected(),
                        STREAM_TIMEOUT_SECONDS, streams.keySet());
                ctx.close();
            }
        }, STREAM_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof SpdySynStreamFrame syn) {
                String type = syn.headers().getAsString(STREAM_TYPE);
                if (type == null || !expected().contains(type) || streams.containsKey(type)) {
                    LOG.debug("refusing SPDY stream {} of type {}", syn.streamId(), type);
                    ctx.writeAndFlush(new DefaultSpdyRstStreamFrame(syn.streamId(), SpdyStreamStatus.REFUSED_STREAM));
                    return;
                }
                streams.put(type, syn.streamId());
                ctx.writeAndFlush(new DefaultSpdySynReplyFrame(syn.streamId()));
                if (command == null && streams.keySet().containsAll(expected())) {
                    timeout.cancel(false);
                    command = factory.apply(this);
                    command.start();
                }
            } else if (msg instanceof SpdyDataFrame data) {
                int n = data.content().readableBytes();
                if (n > 0) {
                    ctx.write(new DefaultSpdyWindowUpdateFrame(data.streamId(), n));
                    ctx.writeAndFlush(new DefaultSpdyWindowUpdateFrame(0, n));
                }
                if (command == null) {
                    return;
                }
                byte[] bytes = ByteBufUtil.getBytes(data.content());
                if (is("stdin", data.streamId())) {
                    command.stdin(bytes);
                    if (data.isLast()) {
                        command.stdinClosed();
                    }
                } else if (is("resize", data.streamId())) {
                    resizeText.append(new String(bytes, StandardCharsets.UTF_8));
                    int end;
                    while ((end = resizeText.indexOf("}")) >= 0) {
                        String one = resizeText.substring(0, end + 1);
                        resizeText.delete(0, end + 1);
                        try {
                            Resize r = Resize.parse(one);
                            command.resize(r.width(), r.height());
                        } catch (IllegalArgumentException e) {
                            LOG.debug("ignoring resize: {}", e.getMessage());
                        }
                    }
                }
            } else if (msg instanceof SpdyPingFrame) {
                ctx.writeAndFlush(ReferenceCountUtil.retain(msg));
            } else if (msg instanceof SpdyGoAwayFrame) {
                ctx.close();
            } else if (msg instanceof SpdyRstStreamFrame rst && is("error", rst.streamId())) {
                ctx.close();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private boolean is(String type, int streamId) {
        Integer id = streams.get(type);
        return id != null && id == streamId;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        flow.changed();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        flow.changed();
        timeout.cancel(false);
        if (!finished && command != null) {
            command.clientGone();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("SPDY remotecommand: {}", cause.toString());
        ctx.close();
    }

    @Override
    public void send(int stream, byte[] data, int len) {
        Integer id = streams.get(stream == STDERR ? "stderr" : "stdout");
        if (id == null) {
            return;
        }
        DefaultSpdyDataFrame frame = new DefaultSpdyDataFrame(id, ctx.alloc().buffer(len).writeBytes(data, 0, len));
        ctx.writeAndFlush(frame);
    }

    @Override
    public boolean awaitWritable() {
        return flow.awaitWritable();
    }

    @Override
    public void finishExit(int exitCode) {
        if (protocol.equals(V4)) {
            finish(StatusJson.exitCode(exitCode));
        } else {
            finish(exitCode == 0 ? null : ("command terminated with non-zero exit code: exit status " + exitCode)
                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public void finishError(String message) {
        finish(protocol.equals(V4) ? StatusJson.failure(message) : message.getBytes(StandardCharsets.UTF_8));
    }

    private void finish(byte[] error) {
        finished = true;
        ctx.executor().execute(() -> {
            Integer errorStream = streams.get("error");
            if (error != null && errorStream != null) {
                ctx.write(new DefaultSpdyDataFrame(errorStream, ctx.alloc().buffer(error.length).writeBytes(error)));
            }
            io.netty.channel.ChannelFuture last = null;
            for (int id : streams.values()) {
                DefaultSpdyDataFrame fin = new DefaultSpdyDataFrame(id);
                fin.setLast(true);
                last = ctx.write(fin);
            }
            ctx.flush();
            if (last == null) {
                ctx.close();
            } else {
                last.addListener(ChannelFutureListener.CLOSE);
            }
        });
    }
}
