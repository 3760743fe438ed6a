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
        // Written as the units are read: memory stays flat however many
        // there are. The columns are known once the store has the shape.
        try output.stream(columns: [], jsonMembers: [], jsonRowsKey: nil) {
          writer in
          var layout: UnitExport.Layout?
          try store.exportUnits(
            scope.filter, passes: writer.passes,
            shape: {
              layout = UnitExport.Layout($0)
              writer.columns = layout?.columns ?? []
            },
            body: { pass, unit in
              if let layout { try writer.add(layout.cells(unit), pass: pass) }
            })
        }
      }
    }
  }
}
