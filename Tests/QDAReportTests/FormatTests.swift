import Foundation
import QDAReport
import QDATestSupport
import Testing

@Suite struct FormatTests {
  struct Sample: Report {
    var table: ReportTable {
      ReportTable(
        columns: [
          .init("code"), .init("cases", isNumeric: true), .init("note"),
        ],
        rows: [
          [.text("a.b"), .integer(12), .text("x, \"y\"")],
          [.text("вена"), .integer(3), .text("a|b\nc")],
        ],
        footer: [[.text("(units)"), .integer(15), .null]])
    }
    var json: JSONValue { table.jsonRows }
  }

  @Test func table() {
    #expect(
      OutputFormat.table.render(Sample()) == """
        code     cases  note
        -------  -----  ------
        a.b         12  x, "y"
        вена         3  a|b c
        -------  -----  ------
        (units)     15

        """)
  }

  @Test func csvQuotesWhatItMustAndLeavesFootersOut() {
    #expect(
      OutputFormat.csv.render(Sample())
        == "code,cases,note\na.b,12,\"x, \"\"y\"\"\"\nвена,3,\"a|b\nc\"\n")
  }

  @Test func markdownEscapesPipesAndLineBreaks() {
    #expect(
      OutputFormat.markdown.render(Sample()) == """
        | code | cases | note |
        |---|---:|---|
        | a.b | 12 | x, "y" |
        | вена | 3 | a\\|b<br>c |
        | **(units)** | **15** |  |

        """)
  }

  @Test func jsonKeepsKeyOrderAndEscapes() {
    #expect(
      OutputFormat.json.render(Sample()) == """
        [
          {
            "code": "a.b",
            "cases": 12,
            "note": "x, \\"y\\""
          },
          {
            "code": "вена",
            "cases": 3,
            "note": "a|b\\nc"
          }
        ]

        """)
  }

  @Test func percentagesRoundHalfUpToOneDecimal() {
    #expect(Cell.percent(1, of: 3).text == "33.3")
    #expect(Cell.percent(2, of: 3).text == "66.7")
    #expect(Cell.percent(1, of: 8).text == "12.5")
    #expect(Cell.percent(1, of: 16).text == "6.3")
    #expect(Cell.percent(0, of: 0) == .null)
  }

  /// The byte-wise escape gives what quoting by Unicode scalars does, on
  /// random fields of quotes, separators, line breaks and non-ASCII text.
  @Test func csvEscapeMatchesTheScalarReference() {
    func reference(_ field: String) -> String {
      let needsQuotes = field.unicodeScalars.contains {
        $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r"
      }
      guard needsQuotes else { return field }
      return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    let pieces = [
      "a", "\"", ",", "\n", "\r", "\r\n", "ё", "Ж", "…", "🙂", " ", "",
    ]
    var generator = SeededGenerator(seed: 2026_11_21)
    for _ in 0..<3_000 {
      let field = generator.text(of: pieces, counts: 0...8)
      #expect(
        CSVFormat.escape(field) == reference(field), "\(field.debugDescription)"
      )
    }
  }

  /// Strings with nothing to escape are written whole; the others escaped
  /// scalar by scalar as before, on random strings.
  @Test func jsonStringsAreEscapedAsByTheScalarReference() {
    func reference(_ text: String) -> String {
      var output = "\""
      for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": output += "\\\""
        case "\\": output += "\\\\"
        case "\n": output += "\\n"
        case "\r": output += "\\r"
        case "\t": output += "\\t"
        case _ where scalar.value < 0x20:
          let hex = String(scalar.value, radix: 16)
          output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: output.unicodeScalars.append(scalar)
        }
      }
      return output + "\""
    }
    let pieces = [
      "a", "Ж", "🙂", "\"", "\\", "\n", "\r", "\t", "\u{1}", "\u{1f}", "/", " ",
    ]
    var generator = SeededGenerator(seed: 2026_11_21)
    for _ in 0..<3_000 {
      let text = generator.text(of: pieces, counts: 0...6)
      #expect(
        JSONValue.string(text).rendered() == reference(text) + "\n",
        "\(text.debugDescription)")
    }
  }
}
