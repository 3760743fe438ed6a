import ArgumentParser
import QDACodebook
import QDACoding
import QDAReport

extension QDA.Code {
  /// `qda code auto --codebook FILE`: rule-based coding.
  struct Auto: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "auto",
      abstract:
        "Replace all auto codings with the result of a codebook's rules.",
      discussion: """
        Every unit is matched against every rule; a code is applied when any of its rules \
        fires. Each coding records the rule, the codebook's id and content hash, and the \
        matched span. Prints how many units each code was applied to. When the same \
        codebook already coded the same units with this version of qda, nothing is done \
        (--force codes again).
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "The codebook YAML file.")
    var codebook: String

    @Flag(help: "Code again even when codebook and units are unchanged.")
    var force = false

    func run() throws {
      try reportingFailures {
        let loaded = try QDACodebook.Codebook.load(path: codebook)
        let store = try database.openForReading()
        defer { store.close() }
        let progress = output.logging.progress("coding")
        let summary = try AutoCoder(
          codebook: loaded, codebookPath: codebook,
          engineVersion: QDAVersion.current
        ).run(on: store, force: force) {
          progress.update($0, fraction: Double($0) / Double($1))
        }
        progress.finish()
        if summary.isUnchanged {
          output.logging.say(
            "'\(loaded.id)' already coded these units; nothing to do (--force codes again)"
          )
        }
        try output.emit(AutoCodingReport(summary: summary))
      }
    }
  }
}

/// The per-code counts of an auto-coding run, as a report.
struct AutoCodingReport: Report {
  let summary: AutoCodingSummary

  var table: ReportTable {
    ReportTable(
      columns: [.init("code"), .init("units", isNumeric: true)],
      rows: summary.codes.map { [.text($0.code), .integer($0.units)] },
      footer: [[.text("(codings)"), .integer(summary.total)]])
  }

  var json: JSONValue {
    .object([
      ("codings", .integer(summary.total)),
      ("codes", table.jsonRows),
    ])
  }
}
