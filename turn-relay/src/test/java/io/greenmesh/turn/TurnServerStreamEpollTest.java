package io.greenmesh.turn;

import java.io.IOException;
import java.util.Map;

/** Every case of {@link TurnServerStreamTest} on Netty's epoll UDP transport (udp-transport = epoll). */
class TurnServerStreamEpollTest extends TurnServerStreamTest {

    @Override
    TurnFixture fixture(Map<String, Object> overrides) throws IOException {
        return TurnFixture.onEpoll(overrides);
    }
}
