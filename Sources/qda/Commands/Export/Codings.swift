import ArgumentParser
import QDAReport

extension QDA.Export {
  /// `qda export codings`: every coding with its provenance.
  struct Codings: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Export codings: unit, code, coder, rule, codebook hash, matched span, memo."
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var scope: UnitFilterOptions

    @Option(help: "Only this coder's codings.")
    var coder: String?

    func run() throws {
      try reportingFailures {
        let store = try database.openForReading()
        defer { store.close() }
        try output.emit(
          CodingExport(store: store, coder: coder, filter: scope.filter))
      }
    }
  }
}
