package io.greenmesh.turn;

import java.io.IOException;
import java.util.Map;

/** Every case of {@link UnauthenticatedFloodTest} on Netty's epoll UDP transport (udp-transport = epoll). */
class UnauthenticatedFloodEpollTest extends UnauthenticatedFloodTest {

    @Override
    TurnFixture fixture(Map<String, Object> overrides) throws IOException {
        return TurnFixture.onEpoll(overrides);
    }
}
