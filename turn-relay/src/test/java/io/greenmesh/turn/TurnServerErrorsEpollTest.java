package io.greenmesh.turn;

import java.io.IOException;
import java.util.Map;

/** Every case of {@link TurnServerErrorsTest} on Netty's epoll UDP transport (udp-transport = epoll). */
class TurnServerErrorsEpollTest extends TurnServerErrorsTest {

    @Override
    TurnFixture fixture(Map<String, Object> overrides) throws IOException {
        return TurnFixture.onEpoll(overrides);
    }
}
