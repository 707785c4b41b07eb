package io.greenmesh.loadtest.gatling;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What the virtual users of one room need to know about each other that a Gatling check cannot tell them: the peer id
 * of the room's first, second, … peer, and whether a peer is already listening for the next offer. All virtual users
 * of a simulation live in one JVM, so this is plain shared memory; the node is told nothing through it.
 *
 * <p>Why it is needed: a Gatling WebSocket check only sees frames that arrive after it was armed, and a check is
 * armed only by a send of the same virtual user. So a peer that answers must have armed its check before the offer
 * can arrive; {@link #arm} records that, and the offerer waits for it before it sends.
 */
final class RoomBoard {
  private final int roomSize;
  private final ConcurrentHashMap<Long, Room> rooms = new ConcurrentHashMap<>();
  private final AtomicInteger coordinationTimeouts = new AtomicInteger();

  private static final class Room {
    final AtomicReferenceArray<String> peerIds;
    final Set<Integer> armed = ConcurrentHashMap.newKeySet();
    final AtomicInteger done = new AtomicInteger();

    Room(int size) {
      peerIds = new AtomicReferenceArray<>(size);
    }
  }

  RoomBoard(int roomSize) {
    if (roomSize < 2) {
      throw new IllegalArgumentException("a room needs at least 2 peers, not " + roomSize);
    }
    this.roomSize = roomSize;
  }

  int roomSize() {
    return roomSize;
  }

  /**
   * {@code peerId} is the {@code order}-th peer the room took in (0 for the first). False, and nothing recorded, when
   * that place is already someone else's or outside the room (a join the client gave up on but the node took).
   */
  boolean joined(long room, int order, String peerId) {
    return order >= 0 && order < roomSize && room(room).peerIds.compareAndSet(order, null, peerId);
  }

  /** The peer id of the {@code order}-th peer of the room, or null while that user has not been welcomed. */
  String peerId(long room, int order) {
    return room(room).peerIds.get(order);
  }

  /** {@code earlier}'s check for {@code later}'s offer is armed (called from the send that arms it). */
  void arm(long room, int earlier, int later) {
    room(room).armed.add(earlier * roomSize + later);
  }

  boolean armed(long room, int earlier, int later) {
    return room(room).armed.contains(earlier * roomSize + later);
  }

  /** A user of {@code room} is done; the last one frees the room's entry. */
  void done(long room) {
    Room r = room(room);
    if (r.done.incrementAndGet() == roomSize) {
      rooms.remove(room, r);
    }
  }

  /** A user gave up on a peer of its room (the peer failed earlier, is far behind, or the room's order is off). */
  void coordinationTimedOut() {
    coordinationTimeouts.incrementAndGet();
  }

  int coordinationTimeouts() {
    return coordinationTimeouts.get();
  }

  private Room room(long room) {
    return rooms.computeIfAbsent(room, r -> new Room(roomSize));
  }
}
