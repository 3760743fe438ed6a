import ArgumentParser
import QDAReport
import QDAStore

extension QDA.Code {
  /// `qda code list UNIT`: a unit's codings by every coder.
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list",
      abstract:
        "List a unit's codings (code, coder, rule, memo) and coders' review memos."
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The unit id.")
    var unit: String

    func run() throws {
      try reportingFailures {
        let store = try database.openForReading()
        defer { store.close() }
        let memos = try store.reviewMemos(unit: unit).map {
          UnitCoding(code: "(memo)", coder: $0.coder, rule: nil, memo: $0.memo)
        }
        try output.emit(
          UnitCodingList(
            unit: unit, codings: try store.codings(ofUnit: unit) + memos))
      }
    }
  }
}

/// A unit's codings as a report.
struct UnitCodingList: Report {
  let unit: String
  let codings: [UnitCoding]

  var table: ReportTable {
    ReportTable(
      columns: [.init("code"), .init("coder"), .init("rule"), .init("memo")],
      rows: codings.map {
        [
          .text($0.code), .text($0.coder), $0.rule.map(Cell.text) ?? .null,
          $0.memo.map(Cell.text) ?? .null,
        ]
      })
  }

  var json: JSONValue {
    .object([("unit", .string(unit)), ("codings", table.jsonRows)])
  }
}
