import QDAReport
import QDATestSupport
import Testing

/// A report written row by row must be, byte for byte, what its format
/// renders from the whole report.
@Suite struct RowWriterTests {
  /// Cell texts that each format treats specially: separators, quotes,
  /// line breaks, pipes, non-ASCII, empty.
  let pieces = [
    "naloxone", "a, b", "say \"hi\"", "line\nbreak", "cr\rlf\r\n", "a | b",
    "ночью", "…", "", " ", "\\", "\u{1}",
  ]

  func text(_ generator: inout SeededGenerator) -> String {
    generator.text(of: pieces, counts: 0...3)
  }

  func streamed(_ report: KeywordInContext, _ format: OutputFormat) throws
    -> String
  {
    var output = ""
    var writer = RowWriter(
      format: format, columns: KeywordInContext.columns,
      jsonMembers: [("query", .string(report.query))], jsonRowsKey: "matches"
    ) { output += $0 }
    for pass in 0..<writer.passes {
      for line in report.lines { try writer.add(line.cells, pass: pass) }
    }
    try writer.finish()
    return output
  }

  @Test func rowByRowIsWhatTheFormatRendersFromTheWholeReport() throws {
    var generator = SeededGenerator(seed: 2026_11_21)
    for round in 0..<200 {
      var report = KeywordInContext(
        query: text(&generator), hits: [], width: 40)
      report.lines =
        (0..<(round % 5 == 0
        ? 0
        : Int.random(
          in: 1...12, using: &generator))).map { _ in
          KeywordInContext.Line(
            unit: text(&generator), source: text(&generator),
            speaker: Bool.random(using: &generator) ? nil : text(&generator),
            left: text(&generator), match: text(&generator),
            right: text(&generator))
        }
      for format in OutputFormat.allCases {
        #expect(
          try streamed(report, format) == format.render(report),
          "\(format) \(report.lines)")
      }
    }
  }

  @Test func onlyTheAlignedTableReadsTheRowsTwice() {
    for format in OutputFormat.allCases {
      let writer = RowWriter(
        format: format, columns: KeywordInContext.columns, output: { _ in })
      #expect(writer.passes == (format == .table ? 2 : 1))
    }
  }
}
