/** Turns Gatling reports (load-tests/target/gatling) into the Markdown tables docs/benchmarks.md quotes. */
package io.greenmesh.loadtest.report;
