import ArgumentParser
import QDAReport
import QDAStore

extension QDA.Export {
  /// `qda export tallies`: every frequency table in one tidy CSV.
  struct Tallies: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "tallies",
      abstract:
        "Export every frequency table as one tidy table: dimension,value,code,cases,percent."
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var scope: UnitFilterOptions

    @Option(help: "Whose codings: a coder, auto, or consensus.")
    var coder: String = "auto"

    @Option(help: "The coders of the consensus, comma-separated.")
    var coders: String?

    func run() throws {
      try reportingFailures {
        let store = try database.openForReading()
        defer { store.close() }
        try output.emit(
          try QDAReport.Tallies(
            store: store,
            coder: CoderSelection.named(coder, coders: coders, store: store),
            filter: scope.filter))
      }
    }
  }
}
