package io.greenmesh.loadtest.wsload;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/** The generators' client event loops: native epoll where Netty has it (less CPU per message), NIO elsewhere. */
record ClientLoops(EventLoopGroup group, Class<? extends SocketChannel> channelType) {

  static ClientLoops create(int threads) {
    return Epoll.isAvailable()
        ? new ClientLoops(new EpollEventLoopGroup(threads), EpollSocketChannel.class)
        : new ClientLoops(new NioEventLoopGroup(threads), NioSocketChannel.class);
  }

  /** Which transport {@link #create} picks here, for the report. */
  static String transport() {
    return Epoll.isAvailable() ? "epoll" : "nio";
  }
}
