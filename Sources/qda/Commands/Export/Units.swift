import ArgumentParser
import QDAReport
import QDAStore

extension QDA.Export {
  /// `qda export units`: the units with their texts and attributes.
  struct Units: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "units",
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
        try output.streamUnits(from: store, scope.filter)
      }
    }
  }
}

extension OutputOptions {
  /// Writes the units in scope, or those without some codings, as they are
  /// read.
  ///
  /// Memory stays flat however many there are. The columns are known once
  /// the store has the units' shape.
  ///
  /// - Throws: `StoreError`, or `OutputError`; an output file is then left
  ///   as it was.
  func streamUnits(
    from store: Store, _ filter: UnitFilter, without: WithoutCodings? = nil
  ) throws {
    try stream(columns: [], jsonMembers: [], jsonRowsKey: nil) { writer in
      var layout: UnitExport.Layout?
      try store.exportUnits(
        filter, without: without, passes: writer.passes,
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
