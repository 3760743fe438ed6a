import ArgumentParser
import QDAReport

extension QDA.Export {
  /// `qda export units`: the units with their texts and attributes.
  struct Units: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Export units: unit, source, kind, speaker, date, text, fields and attributes."
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var scope: UnitFilterOptions

    func run() throws {
      try reportingFailures {
        let store = try database.openForReading()
        defer { store.close() }
        try output.emit(UnitExport(store: store, filter: scope.filter))
      }
    }
  }
}
