/**
 * Micrometer meters for the carbon model, in base units with low-cardinality labels only (never room or peer
 * ids). Meter names omit the {@code _total} suffix that the Prometheus registry appends to counters.
 */
package io.greenmesh.carbon.metrics;
