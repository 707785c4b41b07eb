package io.greenmesh.loadtest.signaling;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows a run produces for the three tables of docs/benchmarks.md: latency, heap per session, CPU per phase. As a
 * program, {@code RunReport DIR} prints the tables whose rows runs appended to DIR.
 */
public final class RunReport {
  private final List<String> latency = new ArrayList<>();
  private final List<String> heap = new ArrayList<>();
  private final List<String> cpu = new ArrayList<>();

  public static void main(String[] args) throws IOException {
    readFrom(Path.of(args[0])).print(System.out);
  }

  /** The rows appended to {@code dir} so far, by one run or several. */
  static RunReport readFrom(Path dir) throws IOException {
    RunReport r = new RunReport();
    r.latency.addAll(rows(dir.resolve("latency.md")));
    r.heap.addAll(rows(dir.resolve("heap.md")));
    r.cpu.addAll(rows(dir.resolve("cpu.md")));
    return r;
  }

  private static List<String> rows(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
  }

  void latency(String row) {
    latency.add(row);
  }

  void heap(String row) {
    heap.add(row);
  }

  void cpu(String row) {
    cpu.add(row);
  }

  /** The tables with their headers; a table with no rows is left out. */
  void print(PrintStream out) {
    table(out, ReportRows.LATENCY_HEADER, latency);
    table(out, ReportRows.HEAP_HEADER, heap);
    table(out, ReportRows.CPU_HEADER, cpu);
  }

  /** Appends the rows, without headers, to {@code dir}/latency.md, heap.md and cpu.md. */
  void appendTo(Path dir) throws IOException {
    append(dir.resolve("latency.md"), latency);
    append(dir.resolve("heap.md"), heap);
    append(dir.resolve("cpu.md"), cpu);
  }

  private static void table(PrintStream out, String header, List<String> rows) {
    if (!rows.isEmpty()) {
      out.println();
      out.println(header);
      rows.forEach(out::println);
    }
  }

  private static void append(Path file, List<String> rows) throws IOException {
    for (String row : rows) {
      ReportRows.append(file, row);
    }
  }
}
