package io.greenmesh.loadtest.gatling;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What the virtual users of one room need to know about each other that a Gatling check cannot tell them: the peer id
 * of each slot, and whether a peer is already listening for the next offer. All virtual users of a simulation live in
 * one JVM, so this is plain shared memory; the node is told nothing through it.
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

  void joined(long room, int slot, String peerId) {
    room(room).peerIds.set(slot, peerId);
  }

  /** The peer id of {@code slot}, or null while that user has not been welcomed. */
  String peerId(long room, int slot) {
    return room(room).peerIds.get(slot);
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

  /** A user gave up waiting for a peer of its room (the peer failed earlier or is far behind). */
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
