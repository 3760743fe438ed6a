import ArgumentParser
import QDACodebook
import QDACoding
import QDAReport
import QDAStore

extension QDA {
  /// `qda diff OLD.sqlite NEW.sqlite` or `qda diff --codebook A.yml --codebook B.yml`.
  struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "diff",
      abstract:
        "Show what changed between two databases, or two codebooks on one database.",
      discussion: """
        With two databases: the codings of --coder (default auto) in each. With --codebook \
        A.yml --codebook B.yml: the rules of each codebook applied to the units of --db, \
        nothing written. Prints each code's frequency before and after; --units lists the \
        units that gained (+) or lost (-) each code instead.
        """)

    @Argument(help: "Two databases: the old one and the new one.")
    var databases: [String] = []

    @Option(
      name: .customLong("codebook"),
      help: "Two codebooks to compare on one database (give it twice).")
    var codebooks: [String] = []

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Whose codings to compare between databases.")
    var coder: String = "auto"

    @Flag(help: "List the units that gained or lost codes.")
    var units = false

    func validate() throws {
      if codebooks.isEmpty, databases.count != 2 {
        throw ValidationError("Give two databases, or two --codebook options.")
      }
      if !codebooks.isEmpty, codebooks.count != 2 || !databases.isEmpty {
        throw ValidationError(
          "Give --codebook exactly twice, with --db for the database.")
      }
    }

    func run() throws {
      try reportingFailures {
        let diff: CodingDiff
        if codebooks.count == 2 {
          let old = try QDACodebook.Codebook.load(path: codebooks[0])
          let new = try QDACodebook.Codebook.load(path: codebooks[1])
          let store = try database.openForReading()
          defer { store.close() }
          // JSON lists the changes with the frequencies.
          diff = try CodingDiff.autoCodes(
            old: old, new: new, in: store,
            keepsChanges: units || output.format == .json)
        } else {
          let old = try Store.open(path: databases[0], create: false)
          defer { old.close() }
          let new = try Store.open(path: databases[1], create: false)
          defer { new.close() }
          diff = CodingDiff(
            old: try CodingDiff.codes(in: old, coder: coder),
            new: try CodingDiff.codes(in: new, coder: coder),
            units: try new.unitIDs(.init()),
            codeOrder: try new.currentCodes().map(\.id))
        }
        try output.emit(DiffReport(diff: diff, listsUnits: units))
      }
    }
  }
}

/// A coding diff as a report.
struct DiffReport: Report {
  let diff: CodingDiff
  let listsUnits: Bool

  var table: ReportTable {
    if listsUnits {
      return ReportTable(
        columns: [.init("unit"), .init("code"), .init("change")],
        rows: diff.changes.map {
          [.text($0.unit), .text($0.code), .text($0.gained ? "+" : "-")]
        })
    }
    return ReportTable(
      columns: [
        .init("code"), .init("old", isNumeric: true),
        .init("new", isNumeric: true), .init("change", isNumeric: true),
      ],
      rows: diff.frequencies.map {
        [
          .text($0.code), .integer($0.old), .integer($0.new),
          .text(($0.new >= $0.old ? "+" : "") + String($0.new - $0.old)),
        ]
      })
  }

  var json: JSONValue {
    .object([
      (
        "frequencies",
        .array(
          diff.frequencies.map {
            .object([
              ("code", .string($0.code)), ("old", .integer($0.old)),
              ("new", .integer($0.new)), ("change", .integer($0.new - $0.old)),
            ])
          })
      ),
      (
        "changes",
        .array(
          diff.changes.map {
            .object([
              ("unit", .string($0.unit)), ("code", .string($0.code)),
              ("change", .string($0.gained ? "+" : "-")),
            ])
          })
      ),
    ])
  }
}
