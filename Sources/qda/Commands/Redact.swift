import ArgumentParser
import QDAImport
import QDAReport
import QDAStore

extension QDA {
  /// `qda redact --check`: identifiers left in a database.
  struct Redact: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "redact",
      abstract: "Report personal identifiers left in the stored texts.",
      discussion: """
        Looks for phone numbers, e-mail addresses, @handles, Telegram links and card \
        numbers, as 'qda import' redacts them, in every stored text and attribute (data \
        imported with --keep-identifiers, or by an older qda). Lists each unit and field \
        with how many of each kind it holds, never the identifiers themselves, and exits \
        with status 1 when it finds any. 'qda purge' removes a source whose text must go.
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    @Flag(help: "Check only (the one mode): the database is never changed.")
    var check = false

    func validate() throws {
      guard check else {
        throw ValidationError(
          "Give --check: qda redact reports identifiers and never rewrites stored text."
        )
      }
    }

    func run() throws {
      try reportingFailures {
        let store = try database.openForReading()
        defer { store.close() }
        var findings = IdentifierFindings()
        let redactor = Redactor()
        try store.forEachStoredValue { unit, field, value in
          let (_, counts) = redactor.redact(value)
          if counts.total > 0 { findings.add(unit: unit, field: field, counts) }
        }
        try output.emit(findings)
        let units = Set(findings.rows.map(\.unit)).count
        if findings.rows.isEmpty {
          output.logging.say("no identifiers found")
        } else {
          printError(
            "error: \(plural(findings.total, "identifier")) left in \(plural(units, "unit"))"
          )
          throw ExitCode(ExitStatus.checkFailed)
        }
      }
    }
  }
}

/// Identifiers found per unit, field and kind.
struct IdentifierFindings: Report {
  var rows: [(unit: String, field: String, kind: String, count: Int)] = []

  var total: Int { rows.reduce(0) { $0 + $1.count } }

  mutating func add(unit: String, field: String, _ counts: RedactionCounts) {
    for (kind, count) in [
      ("phone", counts.phones), ("email", counts.emails),
      ("handle", counts.handles),
      ("link", counts.links), ("card", counts.cards),
    ] where count > 0 {
      rows.append((unit, field, kind, count))
    }
  }

  var table: ReportTable {
    ReportTable(
      columns: [
        .init("unit"), .init("field"), .init("kind"),
        .init("count", isNumeric: true),
      ],
      rows: rows.map {
        [.text($0.unit), .text($0.field), .text($0.kind), .integer($0.count)]
      })
  }

  var json: JSONValue { .object([("identifiers", table.jsonRows)]) }
}
