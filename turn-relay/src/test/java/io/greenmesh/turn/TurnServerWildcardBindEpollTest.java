package io.greenmesh.turn;

import java.io.IOException;
import java.util.Map;

/** Every case of {@link TurnServerWildcardBindTest} on Netty's epoll UDP transport (udp-transport = epoll). */
class TurnServerWildcardBindEpollTest extends TurnServerWildcardBindTest {

    @Override
    TurnFixture fixture(Map<String, Object> overrides) throws IOException {
        return TurnFixture.onEpoll(overrides);
    }
}
