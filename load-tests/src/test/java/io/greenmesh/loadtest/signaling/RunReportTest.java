package io.greenmesh.loadtest.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {

  @Test
  void rowsAppendedByTwoRunsAreReadBackUnderTheirHeaders(@TempDir Path dir) throws Exception {
    RunReport first = new RunReport();
    first.latency("| join 1 |");
    first.heap("| heap 1 |");
    first.appendTo(dir);
    RunReport second = new RunReport();
    second.latency("| join 2 |");
    second.appendTo(dir);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RunReport.readFrom(dir).print(new PrintStream(out, true, StandardCharsets.UTF_8));

    assertEquals("\n" + ReportRows.LATENCY_HEADER + "\n| join 1 |\n| join 2 |\n"
        + "\n" + ReportRows.HEAP_HEADER + "\n| heap 1 |\n", out.toString(StandardCharsets.UTF_8));
  }
}
