package io.greenmesh.turn;

import java.io.IOException;
import java.util.Map;

/** Every case of {@link TurnServerUdpTest} on Netty's epoll UDP transport (udp-transport = epoll). */
class TurnServerUdpEpollTest extends TurnServerUdpTest {

    @Override
    TurnFixture fixture(Map<String, Object> overrides) throws IOException {
        return TurnFixture.onEpoll(overrides);
    }
}
