import ArgumentParser
import Foundation
import QDACodebook
import QDACoding
import QDAReport
import QDAStore

extension QDA {
  /// `qda quotes CODE`: exemplar quotes with attribution.
  struct Quotes: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "quotes",
      abstract: "Show exemplar quotes for a code, with who said them.",
      discussion: """
        Quotes are units coded with CODE, ranked by how densely the code's rules hit them \
        (hits per 100 words), preferring texts between --min-length and --max-length \
        characters; ties go to the shorter text, then to document order. The ranking uses \
        the codebook applied last (or --codebook), so the same database always gives the \
        same quotes.
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var scope: UnitFilterOptions

    @Argument(help: "The code, as theme.code.")
    var code: String

    @Option(help: "How many quotes.")
    var limit: Int = 5

    @Option(help: "Whose codings to quote.")
    var coder: String = "auto"

    @Option(
      help:
        "The codebook whose rules rank the quotes (default: the one applied last)."
    )
    var codebook: String?

    @Option(help: "The shortest quote preferred, in characters.")
    var minLength: Int = 40

    @Option(help: "The longest quote preferred, in characters.")
    var maxLength: Int = 400

    func validate() throws {
      if limit < 1 { throw ValidationError("--limit must be at least 1.") }
      if minLength > maxLength {
        throw ValidationError("--min-length is above --max-length.")
      }
    }

    func run() throws {
      try reportingFailures {
        let store = try database.openForReading()
        defer { store.close() }
        let path: String
        if let codebook {
          path = codebook
        } else if let current = try store.currentCodebook() {
          path = current.path
        } else {
          printError(
            "error: no codebook has been applied; run 'qda code auto --codebook FILE' or pass --codebook"
          )
          throw ExitCode(ExitStatus.dataError)
        }
        let loaded = try QDACodebook.Codebook.load(path: path)
        guard loaded.code(code) != nil else {
          printError("error: unknown code '\(code)' in codebook '\(loaded.id)'")
          throw ExitCode(ExitStatus.dataError)
        }
        var selector = QuoteSelector(codebook: loaded)
        selector.minimumLength = minLength
        selector.maximumLength = maxLength
        // Every coded unit is a candidate; they are scored a batch at a
        // time and only the best kept, so memory stays flat.
        var ranking = QuoteSelector.Ranking(
          selector: selector, code: code, limit: limit)
        try store.codedUnits(
          code: code, coder: .coder(coder), filter: scope.filter, limit: nil
        ) { ranking.consider($0) }
        try output.emit(QuoteReport(code: code, quotes: ranking.quotes))
      }
    }
  }
}

/// Quotes as a report.
struct QuoteReport: Report {
  let code: String
  let quotes: [Quote]

  var table: ReportTable {
    ReportTable(
      columns: [
        .init("unit"), .init("attribution"), .init("hits", isNumeric: true),
        .init("quote"),
      ],
      rows: quotes.map {
        [
          .text($0.unit), .text($0.attribution), .integer($0.hits),
          .text($0.text),
        ]
      })
  }

  var json: JSONValue {
    .object([("code", .string(code)), ("quotes", table.jsonRows)])
  }
}
