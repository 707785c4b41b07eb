package io.greenmesh.turn;

import java.io.IOException;
import java.util.Map;

/** Every case of {@link TurnServerIpv6Test} on Netty's epoll UDP transport (udp-transport = epoll). */
class TurnServerIpv6EpollTest extends TurnServerIpv6Test {

    @Override
    TurnFixture fixture(Map<String, Object> overrides) throws IOException {
        return TurnFixture.onEpoll(overrides);
    }
}
