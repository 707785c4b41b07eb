/** Load generators for signaling and the relay. */
package io.greenmesh.loadtest;
