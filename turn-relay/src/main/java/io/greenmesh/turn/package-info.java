/** RFC 8656 TURN relay that carries only STUN, DTLS and SRTP. */
package io.greenmesh.turn;
