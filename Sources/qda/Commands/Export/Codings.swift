import ArgumentParser
import QDAReport
import QDAStore

extension QDA.Export {
  /// `qda export codings`: every coding with its provenance.
  struct Codings: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "codings",
      abstract:
        "Export codings: unit, code, coder, rule, codebook hash, matched span, memo."
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var scope: UnitFilterOptions

    @Option(help: "Only this coder's codings, or 'consensus'.")
    var coder: String?

    @Option(
      help:
        "The coders of the consensus, comma-separated (default: all but auto).")
    var coders: String?

    func run() throws {
      try reportingFailures {
        let store = try database.openForReading()
        defer { store.close() }
        let selection = try coder.map {
          try CoderSelection.named($0, coders: coders, store: store)
        }
        // Written as the codings are read: memory stays flat.
        try output.stream(
          columns: CodingExport.columns, jsonMembers: [], jsonRowsKey: nil
        ) { writer in
          try store.exportCodings(
            coder: selection, filter: scope.filter, passes: writer.passes
          ) { pass, coding in
            try writer.add(CodingExport.cells(coding), pass: pass)
          }
        }
      }
    }
  }
}
