/**
 * Traffic accounting from client stats reports: shape and membership checks ({@link
 * io.greenmesh.carbon.accounting.StatsReportValidator}), then per-call deltas, counter resets and rate caps
 * ({@link io.greenmesh.carbon.accounting.CallLedger}). Bad input never throws: every report yields a {@link
 * io.greenmesh.carbon.accounting.ReportResult} saying what was accepted, what was rejected and why.
 */
package io.greenmesh.carbon.accounting;
